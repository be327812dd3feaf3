namespace NetVirt.Model.Errors;

/// <summary>The caller named an object (network, zone, run) that does not exist.</summary>
public sealed class UnknownObjectException : NetVirtException
{
    /// <summary>Creates the exception.</summary>
    public UnknownObjectException(string message)
        : base(message)
    {
    }
}
