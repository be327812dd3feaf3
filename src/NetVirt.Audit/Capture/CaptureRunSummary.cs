namespace NetVirt.Audit.Capture;

/// <summary>What one <see cref="CaptureSet"/> run did.</summary>
/// <param name="StopReason">Why it ended.</param>
/// <param name="FramesDelivered">Frames handed to the callback, all handles together.</param>
/// <param name="FramesPerHandle">Frames handed to the callback per handle id.</param>
/// <param name="Failures">Handles that failed during the run; the others kept being read.</param>
/// <param name="Elapsed">Run time measured with the set's <see cref="TimeProvider"/>.</param>
public sealed record CaptureRunSummary(
    CaptureStopReason StopReason,
    long FramesDelivered,
    IReadOnlyList<long> FramesPerHandle,
    IReadOnlyList<CaptureHandleFailure> Failures,
    TimeSpan Elapsed);
