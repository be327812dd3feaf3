namespace NetVirt.Audit.Capture;

/// <summary>A handle that stopped delivering during a run (for example its interface disappeared).</summary>
/// <param name="HandleId">Index of the handle in the set.</param>
/// <param name="Target">Namespace and interface of the handle.</param>
/// <param name="Error">What went wrong; a <see cref="PcapException"/> for libpcap errors.</param>
public sealed record CaptureHandleFailure(int HandleId, CaptureTarget Target, Exception Error);
