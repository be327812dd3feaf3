namespace NetVirt.Model.Errors;

/// <summary>The database cannot be reached (a PostgreSQL server down, refusing the login). Retrying later may succeed.</summary>
public sealed class StoreUnavailableException : NetVirtException
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
