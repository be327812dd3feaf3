using System.Globalization;
using System.Net;
using NetVirt.Audit.Expectations;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Topology;
using NetVirt.Model.Spec;

namespace NetVirt.Audit.Verdicts;

/// <summary>
/// Turns what was captured into verdicts, purely: every arrival the model forbids is a LEAK, SPOOF_PASSED or VLAN_HOP
/// (by the probe's category) for the pair (sender, receiver); every arrival the model requires that did not happen is
/// a BLACKHOLE. A VLAN-tagged frame is a VLAN_HOP only where no untagged layer-2 probe of the same source crossed to
/// that receiver as well; where one did, the domains are joined and the tagged frame is one more LEAK. Findings are
/// grouped by kind, pair and probe kind, each with the model's reason and its evidence. The matrix is over the plan's
/// classes (<see cref="AuditClasses"/>: the endpoints themselves in a full audit): a cell holds the worst outcome of
/// every probe of its kind from a member of one class to a member of the other.
/// </summary>
public static class AuditJudge
{
    /// <summary>Captured frames kept as evidence per finding.</summary>
    public const int EvidenceFramesPerFinding = 3;

    /// <summary>Judges what <paramref name="log"/> recorded against <paramref name="plan"/>.</summary>
    /// <param name="plan">The probes planned (all were injected, except those the log marks unsent).</param>
    /// <param name="log">What the captures saw, as recorded during the run.</param>
    /// <param name="gateways">Gateway MACs learnt in discovery; explains BLACKHOLEs of routed paths whose gateway never answered.</param>
    /// <param name="foreignAddresses">Addresses found configured in zones outside their VNIC's allowed sources.</param>
    /// <param name="run">Facts of the run.</param>
    public static AuditResult Judge(
        ProbePlan plan,
        ArrivalLog log,
        GatewayMacs gateways,
        IReadOnlyDictionary<int, IReadOnlyList<IPAddress>> foreignAddresses,
        AuditRunInfo run)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(gateways);
        ArgumentNullException.ThrowIfNull(foreignAddresses);
        ArgumentNullException.ThrowIfNull(run);
        var endpoints = plan.Topology.Endpoints;
        var n = endpoints.Count;
        var classes = plan.Classes;
        var cells = new CellState[(long)classes.Count * classes.Count * ProbeKinds.Reachability.Count];
        var probes = plan.Probes;
        var groups = new Dictionary<(FindingKind Kind, int Source, int Receiver, ProbeKind Probe), Group>();

        // Every reachability probe sent fills the cell of its addressee, or of every peer for a broadcast; a required
        // arrival that never happened is a BLACKHOLE.
        foreach (var p in probes)
        {
            if (ProbeKinds.Category(p.Kind) != ProbeCategory.Reachability || log.IsUnsent(p.Index))
            {
                continue;
            }

            var k = KindIndex(p.Kind);
            var sourceClass = classes.ClassOf(p.Source);
            if (p.Target >= 0)
            {
                var expectation = plan.TargetExpectation(p, endpoints[p.Target]).Expectation;
                var reached = log.ReachedTarget(p.Index);
                Merge(cells, log.CellIndex(sourceClass, classes.ClassOf(p.Target), k), Outcome(expectation, reached));
                if (expectation == Expectation.Must && !reached)
                {
                    Blackhole(groups, p, p.Target);
                }

                continue;
            }

            for (var r = 0; r < n; r++)
            {
                if (r == p.Source)
                {
                    continue;
                }

                var expectation = plan.TargetExpectation(p, endpoints[r]).Expectation;
                var reached = expectation == Expectation.Must && log.ReachedPeer(p.Index, r);
                Merge(cells, log.CellIndex(sourceClass, classes.ClassOf(r), k), Outcome(expectation, reached));
                if (expectation == Expectation.Must && !reached)
                {
                    Blackhole(groups, p, r);
                }
            }
        }

        for (long c = 0; c < cells.LongLength; c++)
        {
            if (ArrivalLog.IsSet(log.LeakedCells, c))
            {
                cells[c] = CellState.Leaked;
            }
        }

        // Forbidden arrivals become findings; a tagged frame where untagged layer-2 frames of the source crossed too is a leak.
        foreach (var ((source, receiver, probeKind), forbidden) in log.Forbidden)
        {
            var category = ProbeKinds.Category(probeKind);
            var kind = category switch
            {
                ProbeCategory.Spoofing => FindingKind.SpoofPassed,
                ProbeCategory.VlanHopping when !UntaggedCrossed(log, source, receiver) => FindingKind.VlanHop,
                _ => FindingKind.Leak,
            };
            var group = Group.For(groups, (kind, source, receiver, probeKind), forbidden.FirstProbe);
            group.Count += forbidden.Count;
            group.Addressed += forbidden.Addressed;
            if (forbidden.Frames is { } frames)
            {
                group.Frames.AddRange(frames);
            }
        }

        var findings = new List<AuditFinding>(groups.Count);
        foreach (var ((kind, source, receiver, probeKind), group) in groups)
        {
            findings.Add(Describe(plan, gateways, kind, source, receiver, probeKind, group, run));
        }

        foreach (var (endpoint, addresses) in foreignAddresses)
        {
            var e = endpoints[endpoint];
            foreach (var address in addresses)
            {
                findings.Add(new AuditFinding
                {
                    Kind = FindingKind.ForeignAddress,
                    Source = endpoint,
                    Receiver = -1,
                    Probe = ProbeKind.SpoofConfiguredAddress,
                    ProbeIndex = probes.FirstOrDefault(p => p.Kind == ProbeKind.SpoofConfiguredAddress && p.Source == endpoint && plan.DetailOf(p.Index)?.Contains(address.ToString(), StringComparison.Ordinal) == true) is { Kind: ProbeKind.SpoofConfiguredAddress } q ? q.Index : -1,
                    Expected = $"{e.Name} may use only its allowed sources {string.Join(", ", e.AllowedSources)}",
                    Observed = $"zone {e.Zone} has {address} configured on {e.Interface}"
                        + (e.Protection.HasFlag(Protection.IpNospoof) ? "; a probe from it was sent to check that ip-nospoof drops it" : "; ip-nospoof is off, so nothing stops the zone from using it"),
                });
            }
        }

        foreach (var ((source, probeKind), group) in log.HostReached)
        {
            findings.Add(DescribeHostReached(plan, source, probeKind, group, run));
        }

        findings.Sort((a, b) => (a.Kind, a.Source, a.Receiver, a.Probe).CompareTo((b.Kind, b.Source, b.Receiver, b.Probe)));
        return new AuditResult(plan.Topology, classes, cells, Summarise(classes, cells, findings, log), findings, run);
    }

    /// <summary>Index of a reachability kind in <see cref="ProbeKinds.Reachability"/>.</summary>
    public static int KindIndex(ProbeKind kind) => kind switch
    {
        ProbeKind.ArpBroadcast => 0,
        ProbeKind.ArpUnicast => 1,
        ProbeKind.Icmpv4Echo => 2,
        ProbeKind.Udpv4 => 3,
        ProbeKind.NeighborSolicitation => 4,
        ProbeKind.Icmpv6Echo => 5,
        ProbeKind.Udpv6 => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a reachability kind"),
    };

    // The outcome of one probe at one receiver.
    private static CellState Outcome(Expectation expectation, bool reached) => expectation switch
    {
        Expectation.Must => reached ? CellState.Reached : CellState.Blackholed,
        Expectation.MustNot => CellState.Isolated,
        Expectation.May => reached ? CellState.MayCrossed : CellState.MayNotCrossed,
        _ => CellState.NotProbed,
    };

    // A cell holds the worst outcome of its probes: a leak, then a blackhole, then what the model requires.
    private static void Merge(CellState[] cells, long index, CellState outcome)
    {
        if (Rank(outcome) > Rank(cells[index]))
        {
            cells[index] = outcome;
        }
    }

    private static int Rank(CellState state) => state switch
    {
        CellState.NotProbed => 0,
        CellState.MayNotCrossed => 1,
        CellState.MayCrossed => 2,
        CellState.Isolated => 3,
        CellState.Reached => 4,
        CellState.Blackholed => 5,
        _ => 6,
    };

    private static bool UntaggedCrossed(ArrivalLog log, int source, int receiver) =>
        log.Forbidden.ContainsKey((source, receiver, ProbeKind.ArpBroadcast))
        || log.Forbidden.ContainsKey((source, receiver, ProbeKind.ArpUnicast))
        || log.Forbidden.ContainsKey((source, receiver, ProbeKind.NeighborSolicitation));

    private static void Blackhole(Dictionary<(FindingKind, int, int, ProbeKind), Group> groups, in Probe probe, int receiver) =>
        Group.For(groups, (FindingKind.Blackhole, probe.Source, receiver, probe.Kind), probe.Index).Count++;

    private static PairStatus[] Summarise(AuditClasses classes, CellState[] cells, List<AuditFinding> findings, ArrivalLog log)
    {
        var c = classes.Count;
        var pairs = new PairStatus[(long)c * c];
        var kinds = ProbeKinds.Reachability.Count;
        for (var s = 0; s < c; s++)
        {
            for (var r = 0; r < c; r++)
            {
                if (s == r && classes.All[s].Members.Count == 1)
                {
                    pairs[((long)s * c) + r] = PairStatus.Self;
                    continue;
                }

                var reachable = false;
                for (var k = 0; k < kinds; k++)
                {
                    reachable |= cells[log.CellIndex(s, r, k)] is CellState.Reached or CellState.Blackholed;
                }

                pairs[((long)s * c) + r] = ArrivalLog.IsSet(log.UnlistedPairs, ((long)s * c) + r) ? PairStatus.Leak
                    : reachable ? PairStatus.Reachable : PairStatus.Isolated;
            }
        }

        foreach (var f in findings.Where(f => f.Receiver >= 0))
        {
            var status = f.Kind switch
            {
                FindingKind.Leak => PairStatus.Leak,
                FindingKind.Blackhole => PairStatus.Blackhole,
                FindingKind.SpoofPassed => PairStatus.SpoofPassed,
                FindingKind.VlanHop => PairStatus.VlanHop,
                _ => PairStatus.Isolated,
            };
            ref var cell = ref pairs[((long)classes.ClassOf(f.Source) * c) + classes.ClassOf(f.Receiver)];
            if (status > cell)
            {
                cell = status;
            }
        }

        return pairs;
    }

    private static AuditFinding Describe(ProbePlan plan, GatewayMacs gateways, FindingKind kind, int source, int receiver, ProbeKind probeKind, Group group, AuditRunInfo run)
    {
        var endpoints = plan.Topology.Endpoints;
        var s = endpoints[source];
        var r = endpoints[receiver];
        var probe = plan.Probes[group.FirstProbe];
        var detail = plan.DetailOf(probe.Index);
        var family = ProbePlan.JudgedFamily(probeKind);
        var times = group.Count == 1 ? "once" : $"{group.Count.ToString(CultureInfo.InvariantCulture)} times";
        string expected;
        string observed;
        switch (kind)
        {
            case FindingKind.Blackhole:
                var path = plan.TargetExpectation(probe, r);
                expected = PathRules.Explain(path, s, r, family);
                observed = $"never arrived within {run.Window.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture)} s after sending";
                if (path.Reason == PathReason.Routed && !probe.ViaGateway && family is { } f && !gateways.TryGet(s.Network!.Name, f, out _))
                {
                    observed += $"; gateway {s.GatewayOf(f)} of network {s.Network.Name} never answered {(f == System.Net.Sockets.AddressFamily.InterNetwork ? "ARP" : "neighbour solicitation")}, so the probe went to the peer's MAC instead";
                }

                break;
            case FindingKind.SpoofPassed:
                expected = $"dropped: {s.Name} has {ProtectionFor(probeKind)}, and this frame carried {detail}";
                observed = $"arrived at {r.Name} {times}";
                break;
            case FindingKind.VlanHop:
                expected = $"stays in {s.DomainText}: VLANs are separate L2 domains, so a frame with {detail} must never reach {r.DomainText}";
                observed = $"arrived at {r.Name} {times}";
                break;
            default:
                expected = PathRules.Explain(plan.TargetExpectation(probe, r), s, r, family);
                observed = $"arrived {times}" + (group.Addressed == group.Count ? ""
                    : group.Addressed == 0 ? $" (flooded: addressed to {endpoints[probe.Target].Name}{(group.Count > 1 ? " and others" : "")})"
                    : $" ({group.Addressed} addressed to it, {group.Count - group.Addressed} flooded from probes to other VNICs)");
                break;
        }

        var frames = new List<EvidenceFrame> { new(run.SentAtMicroseconds, plan.FrameOf(probe.Index).ToArray(), source, Sent: true) };
        frames.AddRange(group.Frames);
        return new AuditFinding
        {
            Kind = kind,
            Source = source,
            Receiver = receiver,
            Probe = probeKind,
            ProbeIndex = probe.Index,
            Count = group.Count,
            Expected = expected,
            Observed = observed,
            Frames = frames,
        };
    }

    private static AuditFinding DescribeHostReached(ProbePlan plan, int source, ProbeKind probeKind, ArrivalLog.HostGroup group, AuditRunInfo run)
    {
        var s = plan.Topology.Endpoints[source];
        var times = group.Count == 1 ? "once" : $"{group.Count.ToString(CultureInfo.InvariantCulture)} times";
        var frames = new List<EvidenceFrame> { new(run.SentAtMicroseconds, plan.FrameOf(group.FirstProbe).ToArray(), source, Sent: true) };
        frames.AddRange(group.Frames ?? []);
        return new AuditFinding
        {
            Kind = FindingKind.HostReached,
            Source = source,
            Receiver = -1,
            HostInterface = group.Bridge,
            Probe = probeKind,
            ProbeIndex = group.FirstProbe,
            Count = group.Count,
            Expected = $"isolated from the host: {s.Name}'s bridge delivers nothing to the host's own network stack",
            Observed = $"the host received it from bridge {group.Bridge} {times}",
            Frames = frames,
        };
    }

    private static string ProtectionFor(ProbeKind kind) => kind switch
    {
        ProbeKind.SpoofSourceMac => "mac-nospoof",
        ProbeKind.RogueDhcpServer => "dhcp-nospoof",
        _ => "ip-nospoof",
    };

    private sealed class Group(int firstProbe)
    {
        public int FirstProbe { get; set; } = firstProbe;

        public int Count { get; set; }

        public int Addressed { get; set; }

        public List<EvidenceFrame> Frames { get; } = [];

        public static Group For(Dictionary<(FindingKind, int, int, ProbeKind), Group> groups, (FindingKind, int, int, ProbeKind) key, int firstProbe)
        {
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = new Group(firstProbe);
            }

            return group;
        }
    }
}
