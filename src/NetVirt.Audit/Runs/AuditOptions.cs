using NetVirt.Audit.Topology;

namespace NetVirt.Audit.Runs;

/// <summary>What an audit run probes, and its timing, pacing and memory.</summary>
public sealed record AuditOptions
{
    /// <summary>The defaults.</summary>
    public static AuditOptions Default { get; } = new();

    /// <summary>
    /// How long to wait for the gateways to answer discovery before probing without them; unanswered queries are asked
    /// again <see cref="RetryRounds"/> times within it.
    /// </summary>
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

    /// <summary>
    /// Capture on the host's side of NetVirt's bridges (<see cref="IAuditHost.HostBridges"/>) too, and report every
    /// probe the host's own stack receives as HOST_REACHED.
    /// </summary>
    public bool WatchHost { get; init; } = true;

    /// <summary>
    /// Above this many VNICs the default is a stratified audit (<see cref="AuditMode.Stratified"/>); at or below it, a
    /// full one. A full audit sends about six frames per ordered pair, so its time and memory grow with the square of
    /// the VNICs: 250 VNICs take a few seconds on a quiet 2-core machine, 1,000 about 35 s and 1.3 GB (figures:
    /// docs/performance.md).
    /// </summary>
    public const int DefaultStratifyAbove = 250;

    /// <summary>Full or stratified; null chooses by <see cref="StratifyAbove"/>.</summary>
    public AuditMode? Mode { get; init; }

    /// <summary>The size above which a run without <see cref="Mode"/> is stratified.</summary>
    public int StratifyAbove { get; init; } = DefaultStratifyAbove;

    /// <summary>
    /// Kernel ring per capture handle, or null to share <see cref="CaptureMemoryBytes"/> among the handles (at least
    /// 64 KiB and at most 1 MiB each). The rings are mapped into this process, so they count in its memory.
    /// </summary>
    public int? CaptureBufferBytes { get; init; }

    /// <summary>What the capture rings may take together when <see cref="CaptureBufferBytes"/> is not set.</summary>
    public long CaptureMemoryBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Most frame copies per second the injected probes may cause (a broadcast counts once per port of its domain;
    /// <see cref="InjectionPacer"/>); the pacer slows down below it whenever the kernel's buffers are full.
    /// </summary>
    public double MaxInjectRate { get; init; } = 250_000;

    /// <summary>How long one frame may keep meeting full buffers before it is given up (and judged as not sent).</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Times a probe that must arrive and has not is sent again before it counts as a BLACKHOLE. Frames are lost on a
    /// busy host without anything being wrong (a softirq backlog of 1,000 frames per CPU, and a broadcast into a
    /// domain of 1,000 ports fills it), so a BLACKHOLE verdict rests on a probe lost every time.
    /// </summary>
    public int RetryRounds { get; init; } = 2;

    /// <summary>
    /// Threads that inject probes at once (each with its own sources, its own pacer and an equal share of
    /// <see cref="MaxInjectRate"/>), or null for one per processor. The host's work for a probe (bridging, nftables,
    /// delivery into the receiving zone) runs inside the sending system call, so one sender keeps one core busy.
    /// </summary>
    public int? SendLanes { get; init; }

    /// <summary>The sending threads for <paramref name="endpoints"/> VNICs: at most one per VNIC and per processor.</summary>
    public int SendLanesFor(int endpoints) => Math.Clamp(SendLanes ?? Environment.ProcessorCount, 1, Math.Max(1, endpoints));

    /// <summary>The mode for <paramref name="endpoints"/> VNICs.</summary>
    public AuditMode ModeFor(int endpoints) => Mode ?? (endpoints > StratifyAbove ? AuditMode.Stratified : AuditMode.Full);

    /// <summary>The ring size per capture handle for <paramref name="handles"/> handles.</summary>
    public int BufferBytesFor(int handles) =>
        CaptureBufferBytes ?? (int)Math.Clamp(CaptureMemoryBytes / Math.Max(1, handles), 64 * 1024, 1024 * 1024);
}
