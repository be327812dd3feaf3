namespace NetVirt.Audit.Capture;

/// <summary>
/// Counters of one handle since it was opened. libpcap keeps them as 32-bit values that wrap. On Linux
/// <see cref="InterfaceDropped"/> is read from sysfs of the process's mount namespace, so for an interface in another
/// network namespace it is usually 0: do not rely on it there.
/// </summary>
/// <param name="Received">Frames that passed the filter (including ones later dropped).</param>
/// <param name="Dropped">Frames dropped because the buffer was full.</param>
/// <param name="InterfaceDropped">Frames the interface dropped, where the engine can tell.</param>
public readonly record struct CaptureStatistics(long Received, long Dropped, long InterfaceDropped);
