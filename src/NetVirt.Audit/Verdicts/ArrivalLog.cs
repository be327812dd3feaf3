using NetVirt.Audit.Expectations;
using NetVirt.Audit.Probes;

namespace NetVirt.Audit.Verdicts;

/// <summary>
/// What the captures saw, kept as verdicts as it arrives rather than as frames, so memory grows with the probes and
/// the findings, never with the frames captured: a bit per probe that reached its addressee, the required receivers
/// of broadcasts that were seen, and the forbidden arrivals grouped by (source, receiver, probe kind), each group with
/// a count and, for the first <see cref="EvidenceGroups"/> groups, up to <see cref="AuditJudge.EvidenceFramesPerFinding"/>
/// captured frames. Beyond <see cref="MaxListedGroups"/> groups, forbidden arrivals are counted and marked in the
/// matrix but not listed one by one. Fed by one capture thread; read by <see cref="AuditJudge"/> after the run.
/// </summary>
public sealed class ArrivalLog
{
    /// <summary>Most finding groups listed; a host where everything leaks would otherwise list pairs × kinds.</summary>
    public const int MaxListedGroups = 250_000;

    /// <summary>Groups that keep captured frames as evidence (as many as evidence files are written).</summary>
    public const int EvidenceGroups = 2000;

    private readonly ProbePlan plan;
    private readonly int classes;
    private readonly HashSet<long> broadcastSeen = [];
    private readonly HashSet<int> unsent = [];
    private ulong[] addressedSeen = new ulong[1024];

    /// <summary>Creates an empty log for <paramref name="plan"/>.</summary>
    public ArrivalLog(ProbePlan plan)
    {
        this.plan = plan ?? throw new ArgumentNullException(nameof(plan));
        classes = plan.Classes.Count;
        LeakedCells = new ulong[(((long)classes * classes * ProbeKinds.Reachability.Count) + 63) / 64];
        UnlistedPairs = new ulong[(((long)classes * classes) + 63) / 64];
    }

    /// <summary>Forbidden arrivals by (source endpoint, receiver endpoint, probe kind), in order of first arrival.</summary>
    internal Dictionary<(int Source, int Receiver, ProbeKind Kind), ForbiddenGroup> Forbidden { get; } = [];

    /// <summary>
    /// Probes the host's own stack received from one of NetVirt's bridges, by (source endpoint, probe kind), in order of
    /// first arrival: what a bridge passes up to the host (a broadcast, a frame to the bridge's MAC) once its
    /// <c>host-isolated</c> rule no longer drops it.
    /// </summary>
    internal Dictionary<(int Source, ProbeKind Kind), HostGroup> HostReached { get; } = [];

    /// <summary>Bits over matrix cells (source class, receiver class, reachability kind) where a forbidden frame arrived.</summary>
    internal ulong[] LeakedCells { get; }

    /// <summary>Bits over class pairs with forbidden arrivals that are not listed (beyond <see cref="MaxListedGroups"/>).</summary>
    internal ulong[] UnlistedPairs { get; }

    /// <summary>Probe arrivals recognised (every receiver, every expectation).</summary>
    public long Arrivals { get; private set; }

    /// <summary>Forbidden arrivals counted but not listed.</summary>
    public long Unlisted { get; private set; }

    /// <summary>Probes that could not be sent; they are judged as not probed.</summary>
    public int UnsentCount => unsent.Count;

    /// <summary>Records that probe <paramref name="index"/> never left (its sender's buffers stayed full).</summary>
    public void MarkUnsent(int index) => unsent.Add(index);

    /// <summary>True when probe <paramref name="index"/> could not be sent.</summary>
    public bool IsUnsent(int index) => unsent.Count > 0 && unsent.Contains(index);

    /// <summary>
    /// Records that <paramref name="receiver"/> captured probe <paramref name="index"/>, which the model expects there
    /// as <paramref name="expectation"/>. Returns true when this is the first sighting of an arrival the model
    /// requires (at the probe's addressee, or at a peer of a broadcast's domain).
    /// </summary>
    public bool Record(int index, int receiver, Expectation expectation, long timestampMicroseconds, ReadOnlySpan<byte> frame)
    {
        var probe = plan.Probes[index];
        var category = ProbeKinds.Category(probe.Kind);
        if (category == ProbeCategory.Discovery)
        {
            return false;
        }

        Arrivals++;
        if (expectation == Expectation.MustNot)
        {
            RecordForbidden(probe, receiver, timestampMicroseconds, frame);
            return false;
        }

        if (category != ProbeCategory.Reachability || receiver == probe.Source)
        {
            return false;
        }

        if (probe.Target >= 0)
        {
            if (receiver != probe.Target)
            {
                return false; // flooded inside the source's domain, or by a router: allowed, and not the question
            }

            if (addressedSeen.Length <= index >> 6)
            {
                Array.Resize(ref addressedSeen, Math.Max(addressedSeen.Length * 2, (index >> 6) + 1));
            }

            ref var word = ref addressedSeen[index >> 6];
            var bit = 1UL << (index & 63);
            var first = (word & bit) == 0;
            word |= bit;
            return first && expectation == Expectation.Must;
        }

        return expectation == Expectation.Must && broadcastSeen.Add(((long)index << 24) | (uint)receiver);
    }

    /// <summary>
    /// Records that the host's own stack received probe <paramref name="index"/> from bridge <paramref name="bridge"/>
    /// (captured on the bridge device in the host's namespace, which sees only what the bridge delivers locally).
    /// Every such arrival is forbidden: zones are isolated from the host.
    /// </summary>
    public void RecordAtHost(int index, string bridge, long timestampMicroseconds, ReadOnlySpan<byte> frame)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        var probe = plan.Probes[index];
        Arrivals++;
        var key = (probe.Source, probe.Kind);
        if (!HostReached.TryGetValue(key, out var group))
        {
            if (HostReached.Count >= MaxListedGroups)
            {
                Unlisted++;
                return;
            }

            HostReached[key] = group = new HostGroup(probe.Index, bridge, keepsEvidence: HostReached.Count < EvidenceGroups);
        }

        group.Count++;
        if (group.Frames is { Count: < AuditJudge.EvidenceFramesPerFinding } frames)
        {
            frames.Add(new EvidenceFrame(timestampMicroseconds, frame.ToArray(), probe.Source, Sent: false, HostInterface: bridge));
        }
    }

    /// <summary>True when probe <paramref name="index"/> (addressed to one endpoint) reached it.</summary>
    public bool ReachedTarget(int index) => index >> 6 < addressedSeen.Length && (addressedSeen[index >> 6] & (1UL << (index & 63))) != 0;

    /// <summary>True when broadcast probe <paramref name="index"/> reached <paramref name="receiver"/>, which it must.</summary>
    public bool ReachedPeer(int index, int receiver) => broadcastSeen.Contains(((long)index << 24) | (uint)receiver);

    /// <summary>The matrix cell index of (source class, receiver class, reachability kind index).</summary>
    internal long CellIndex(int sourceClass, int receiverClass, int kind) =>
        ((((long)sourceClass * classes) + receiverClass) * ProbeKinds.Reachability.Count) + kind;

    internal static bool IsSet(ulong[] bits, long index) => (bits[index >> 6] & (1UL << (int)(index & 63))) != 0;

    private static void Set(ulong[] bits, long index) => bits[index >> 6] |= 1UL << (int)(index & 63);

    private void RecordForbidden(in Probe probe, int receiver, long timestampMicroseconds, ReadOnlySpan<byte> frame)
    {
        var sourceClass = plan.Classes.ClassOf(probe.Source);
        var receiverClass = plan.Classes.ClassOf(receiver);
        if (ProbeKinds.Category(probe.Kind) == ProbeCategory.Reachability)
        {
            Set(LeakedCells, CellIndex(sourceClass, receiverClass, AuditJudge.KindIndex(probe.Kind)));
        }

        var key = (probe.Source, receiver, probe.Kind);
        if (!Forbidden.TryGetValue(key, out var group))
        {
            if (Forbidden.Count >= MaxListedGroups)
            {
                Unlisted++;
                Set(UnlistedPairs, ((long)sourceClass * classes) + receiverClass);
                return;
            }

            Forbidden[key] = group = new ForbiddenGroup(probe.Index, keepsEvidence: Forbidden.Count < EvidenceGroups);
        }

        group.Count++;
        group.Addressed += probe.Target == receiver || probe.Target < 0 ? 1 : 0;
        if (probe.Target == receiver && plan.Probes[group.FirstProbe].Target != receiver)
        {
            group.FirstProbe = probe.Index; // explain by the probe that was addressed to this receiver, when there is one
        }

        if (group.Frames is { Count: < AuditJudge.EvidenceFramesPerFinding } frames)
        {
            frames.Add(new EvidenceFrame(timestampMicroseconds, frame.ToArray(), receiver, Sent: false));
        }
    }

    /// <summary>Forbidden arrivals of one (source, receiver, probe kind).</summary>
    internal sealed class ForbiddenGroup(int firstProbe, bool keepsEvidence)
    {
        public int FirstProbe { get; set; } = firstProbe;

        public int Count { get; set; }

        public int Addressed { get; set; }

        public List<EvidenceFrame>? Frames { get; } = keepsEvidence ? [] : null;
    }

    /// <summary>Probes of one (source, probe kind) that the host received, and the bridge that first delivered one.</summary>
    internal sealed class HostGroup(int firstProbe, string bridge, bool keepsEvidence)
    {
        public int FirstProbe { get; } = firstProbe;

        public string Bridge { get; } = bridge;

        public int Count { get; set; }

        public List<EvidenceFrame>? Frames { get; } = keepsEvidence ? [] : null;
    }
}
