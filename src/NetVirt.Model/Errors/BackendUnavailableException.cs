namespace NetVirt.Model.Errors;

/// <summary>
/// The host cannot do what was asked at all: a tool or library is missing, we are not root, the OS or a kernel
/// feature is absent. The message names the missing piece and how to get it.
/// </summary>
public sealed class BackendUnavailableException : NetVirtException
{
    /// <summary>Creates the exception.</summary>
    public BackendUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
