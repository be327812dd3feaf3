namespace NetVirt.Audit.Runs;

/// <summary>Timing of an audit run.</summary>
public sealed record AuditOptions
{
    /// <summary>The defaults.</summary>
    public static AuditOptions Default { get; } = new();

    /// <summary>How long to wait for the gateways to answer discovery before probing without them.</summary>
    public TimeSpan DiscoveryTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// After the last probe, how long to keep capturing once every required arrival has been seen: frames that must
    /// not cross get this long to show up. Leaks travel as fast as the frames that must cross, so it can be short.
    /// </summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>After the last probe, the longest wait for required arrivals; what has not arrived then is a BLACKHOLE.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Check configured addresses of every zone against its allowed sources (FOREIGN_ADDRESS).</summary>
    public bool InspectAddresses { get; init; } = true;

    /// <summary>Kernel ring per capture handle; raised for large runs so no probe is dropped before it is read.</summary>
    public int CaptureBufferBytes { get; init; } = 1024 * 1024;
}
