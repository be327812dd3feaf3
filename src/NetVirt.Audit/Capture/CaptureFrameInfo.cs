namespace NetVirt.Audit.Capture;

/// <summary>Metadata of one received frame.</summary>
/// <param name="TimestampMicroseconds">Receive time in microseconds since the Unix epoch, as stamped by the kernel.</param>
/// <param name="CapturedLength">Bytes delivered (at most the snapshot length).</param>
/// <param name="OriginalLength">Length of the frame on the wire.</param>
public readonly record struct CaptureFrameInfo(long TimestampMicroseconds, int CapturedLength, int OriginalLength)
{
    /// <summary>The receive time as a <see cref="DateTimeOffset"/> (UTC).</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.UnixEpoch.AddTicks(TimestampMicroseconds * TimeSpan.TicksPerMicrosecond);

    /// <summary>True when the frame was cut at the snapshot length.</summary>
    public bool IsTruncated => CapturedLength < OriginalLength;
}
