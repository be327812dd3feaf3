namespace NetVirt.Audit.Capture;

/// <summary>A received frame copied out of the engine's buffer, with the id of the handle that received it.</summary>
public sealed class CapturedFrame
{
    /// <summary>Creates the frame; <paramref name="data"/> is kept, not copied.</summary>
    public CapturedFrame(int handleId, CaptureFrameInfo info, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        HandleId = handleId;
        Info = info;
        Data = data;
    }

    /// <summary>Index of the receiving handle in its <see cref="CaptureSet"/> (or the id the caller chose).</summary>
    public int HandleId { get; }

    /// <summary>Timestamp and lengths.</summary>
    public CaptureFrameInfo Info { get; }

    /// <summary>The frame bytes (link-layer header first, no FCS). Owned by this object.</summary>
    public byte[] Data { get; }

    /// <summary>Receive time (UTC).</summary>
    public DateTimeOffset Timestamp => Info.Timestamp;
}
