namespace NetVirt.Model.Errors;

/// <summary>
/// The desired state changed under the caller (stale generation), or a name, MAC or address the caller wanted is
/// already taken. The caller should re-read and decide again.
/// </summary>
public sealed class ConcurrencyConflictException : NetVirtException
{
    /// <summary>Creates the exception.</summary>
    public ConcurrencyConflictException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
