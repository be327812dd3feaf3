namespace NetVirt.Audit.Capture;

/// <summary>Why a <see cref="CaptureSet"/> run ended.</summary>
public enum CaptureStopReason
{
    /// <summary>The run's time budget elapsed.</summary>
    Deadline,

    /// <summary>The caller called <see cref="CaptureSet.Complete"/>.</summary>
    Completed,

    /// <summary>Every handle failed, so there was nothing left to read.</summary>
    AllHandlesFailed,
}
