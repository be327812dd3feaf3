namespace NetVirt.Audit.Capture;

/// <summary>
/// Receives one frame from a <see cref="CaptureSet"/> run, on the set's capture thread. <paramref name="frame"/> is
/// valid only until the callback returns. Keep it short: while it runs, no handle is read.
/// </summary>
/// <param name="handleId">Index of the receiving handle in the set.</param>
/// <param name="frame">The frame bytes, borrowed.</param>
/// <param name="info">Timestamp and lengths.</param>
public delegate void CaptureSetCallback(int handleId, ReadOnlySpan<byte> frame, CaptureFrameInfo info);
