namespace NetVirt.Cni;

/// <summary>A failure the plugin reports to the runtime as CNI error JSON: a code, a short message and details.</summary>
public sealed class CniException : Exception
{
    /// <summary>Creates the error.</summary>
    public CniException(int code, string message, string? details = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Details = details;
    }

    /// <summary>The CNI error code (<see cref="CniErrorCode"/>).</summary>
    public int Code { get; }

    /// <summary>The long message, if any.</summary>
    public string? Details { get; }
}
