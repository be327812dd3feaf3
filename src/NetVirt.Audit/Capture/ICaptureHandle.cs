namespace NetVirt.Audit.Capture;

/// <summary>
/// An open capture on one interface in one network namespace. Reads never block. The handle stays bound to the
/// namespace it was opened in, whichever thread uses it. Methods may be called from any thread; the handle serialises
/// them internally. See <c>Capture/README.md</c> for the invariants.
/// </summary>
public interface ICaptureHandle : IDisposable
{
    /// <summary>The namespace and interface this handle is bound to.</summary>
    CaptureTarget Target { get; }

    /// <summary>Link-layer header type of delivered frames (<see cref="LinkTypes"/>).</summary>
    int LinkType { get; }

    /// <summary>Direction filter in force.</summary>
    CaptureDirection Direction { get; }

    /// <summary>
    /// A file descriptor that polls readable (<c>POLLIN</c>) when frames are waiting, or -1 when the engine has none
    /// (then a multiplexer must call <see cref="Receive"/> periodically). Owned by the handle: never close it, and do
    /// not use it after <see cref="IDisposable.Dispose"/>.
    /// </summary>
    int SelectableFileDescriptor { get; }

    /// <summary>Replaces the kernel filter with <paramref name="expression"/> (pcap-filter(7) syntax).</summary>
    void SetFilter(string expression);

    /// <summary>Sends <paramref name="frame"/> (a complete link-layer frame, without FCS) out of the interface.</summary>
    void Inject(ReadOnlySpan<byte> frame);

    /// <summary>
    /// Delivers frames that are already waiting, up to <paramref name="maxFrames"/>, and returns how many it
    /// delivered; 0 when none are waiting. Never blocks.
    /// </summary>
    int Receive(CaptureFrameCallback callback, int maxFrames);

    /// <summary>Reads the handle's counters.</summary>
    CaptureStatistics GetStatistics();
}
