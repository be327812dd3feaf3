using NetVirt.Model.Errors;

namespace NetVirt.Audit.Capture;

/// <summary>
/// A capture operation failed. Carries the operation, the target it ran against, the status code (a
/// <see cref="SharpPcap.PcapError"/> value, or libpcap's return value) and the text SharpPcap or libpcap reported.
/// </summary>
public sealed class PcapException : NetVirtException
{
    /// <summary>Creates the exception; the message names operation, target, status and the error text.</summary>
    public PcapException(string operation, CaptureTarget target, int statusCode, string pcapError, Exception? innerException = null)
        : base(BuildMessage(operation, target, statusCode, pcapError), innerException)
    {
        Operation = operation;
        Target = target;
        StatusCode = statusCode;
        PcapError = pcapError;
    }

    /// <summary>What failed: <c>open</c>, <c>send</c>, <c>read</c>, <c>set filter</c>, <c>statistics</c>.</summary>
    public string Operation { get; }

    /// <summary>Namespace and interface of the handle.</summary>
    public CaptureTarget Target { get; }

    /// <summary>The status: a <see cref="SharpPcap.PcapError"/> value (negative) or libpcap's return value.</summary>
    public int StatusCode { get; }

    /// <summary>The error text.</summary>
    public string PcapError { get; }

    /// <summary>True when the interface does not exist in that namespace.</summary>
    public bool IsNoSuchDevice => StatusCode == (int)SharpPcap.PcapError.NoSuchDevice;

    /// <summary>
    /// True when a send failed only because a kernel buffer was full (ENOBUFS, or EAGAIN on a non-blocking socket):
    /// worth retrying after a pause. libpcap reports errno as its text, so the text is what can be checked.
    /// </summary>
    public bool IsBufferFull => Operation == "send"
        && (PcapError.Contains("No buffer space available", StringComparison.OrdinalIgnoreCase)
            || PcapError.Contains("Resource temporarily unavailable", StringComparison.OrdinalIgnoreCase)
            || PcapError.Contains("ENOBUFS", StringComparison.Ordinal)
            || PcapError.Contains("EAGAIN", StringComparison.Ordinal));

    private static string BuildMessage(string operation, CaptureTarget target, int statusCode, string pcapError)
    {
        var detail = string.IsNullOrWhiteSpace(pcapError) ? "no error text" : pcapError.Trim();
        return $"{operation} on {target} failed (status {statusCode}): {detail}";
    }
}
