namespace NetVirt.Audit.Capture;

/// <summary>Opens capture handles. The SharpPcap engine is <see cref="SharpPcapCaptureEngine"/>; another can be dropped in.</summary>
public interface ICaptureEngine
{
    /// <summary>Short engine name for logs and reports, e.g. <c>libpcap 1.10.3</c>.</summary>
    string Name { get; }

    /// <summary>Opens a handle on <paramref name="interfaceName"/> inside <paramref name="netns"/> (null: the caller's).</summary>
    ICaptureHandle Open(string? netns, string interfaceName, CaptureOptions? options = null);

    /// <summary>
    /// Opens one handle per target, in order, as fast as the engine can. Either every handle opens or none stays
    /// open: on failure the handles already opened are closed and the first error is thrown.
    /// </summary>
    IReadOnlyList<ICaptureHandle> OpenMany(IReadOnlyList<CaptureTarget> targets, CaptureOptions? options = null);
}
