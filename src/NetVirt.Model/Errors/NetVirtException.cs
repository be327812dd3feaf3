namespace NetVirt.Model.Errors;

/// <summary>
/// Base of every exception NetVirt throws on purpose. The subclasses are sorted by what a caller can do about them:
/// retry (<see cref="IsTransient"/>), fix the host, or fix the input.
/// </summary>
public class NetVirtException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NetVirtException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>True when the same call may succeed if retried later (busy database, transient host state).</summary>
    public virtual bool IsTransient => false;
}
