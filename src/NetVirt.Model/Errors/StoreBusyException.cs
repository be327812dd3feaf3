namespace NetVirt.Model.Errors;

/// <summary>The database stayed locked by another writer beyond the retry budget. Retrying later may succeed.</summary>
public sealed class StoreBusyException : NetVirtException
{
    /// <summary>Creates the exception.</summary>
    public StoreBusyException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
