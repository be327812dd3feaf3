namespace NetVirt.Audit.Capture;

/// <summary>
/// Receives one frame from <see cref="ICaptureHandle.Receive"/>. <paramref name="frame"/> points into the engine's
/// buffer and is valid only until the callback returns: copy what must outlive it.
/// </summary>
public delegate void CaptureFrameCallback(ReadOnlySpan<byte> frame, CaptureFrameInfo info);
