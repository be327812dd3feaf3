using NetVirt.Model.Errors;

namespace NetVirt.Audit.Capture;

/// <summary>
/// A libpcap call failed. Carries the operation (the C function), the target it ran against, the libpcap status code
/// and the text libpcap reported (<c>pcap_geterr</c> or the error buffer).
/// </summary>
public sealed class PcapException : NetVirtException
{
    /// <summary>Creates the exception; the message names operation, target, status and libpcap's text.</summary>
    public PcapException(string operation, CaptureTarget target, int statusCode, string pcapError)
        : base(BuildMessage(operation, target, statusCode, pcapError))
    {
        Operation = operation;
        Target = target;
        StatusCode = statusCode;
        PcapError = pcapError;
    }

    /// <summary>The libpcap function that failed, e.g. <c>pcap_activate</c>.</summary>
    public string Operation { get; }

    /// <summary>Namespace and interface of the handle.</summary>
    public CaptureTarget Target { get; }

    /// <summary>libpcap's return value (PCAP_ERROR_* for activation, -1 otherwise).</summary>
    public int StatusCode { get; }

    /// <summary>The error text from libpcap.</summary>
    public string PcapError { get; }

    /// <summary>True when the interface does not exist in that namespace (PCAP_ERROR_NO_SUCH_DEVICE).</summary>
    public bool IsNoSuchDevice => StatusCode == Interop.Pcap.ErrorNoSuchDevice;

    private static string BuildMessage(string operation, CaptureTarget target, int statusCode, string pcapError)
    {
        var detail = string.IsNullOrWhiteSpace(pcapError) ? "no error text" : pcapError.Trim();
        return $"{operation} on {target} failed (status {statusCode}): {detail}";
    }
}
