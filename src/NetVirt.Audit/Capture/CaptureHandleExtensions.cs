namespace NetVirt.Audit.Capture;

/// <summary>Conveniences over <see cref="ICaptureHandle"/>.</summary>
public static class CaptureHandleExtensions
{
    /// <summary>
    /// Copies every frame already waiting on <paramref name="handle"/> (up to <paramref name="maxFrames"/>) into
    /// <paramref name="destination"/>, tagged with <paramref name="handleId"/>; returns how many. Never blocks.
    /// </summary>
    public static int ReceiveAvailable(this ICaptureHandle handle, ICollection<CapturedFrame> destination, int handleId = 0, int maxFrames = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(destination);
        return handle.Receive((frame, info) => destination.Add(new CapturedFrame(handleId, info, frame.ToArray())), maxFrames);
    }
}
