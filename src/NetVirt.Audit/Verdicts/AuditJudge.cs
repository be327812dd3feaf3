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
/// a BLACKHOLE. A VLAN-tagged frame is a VLAN_HOP only where the source's untagged broadcast did not cross as well;
/// where it did, the domains are joined and the tagged frame is one more LEAK. Findings are grouped by kind, pair and probe kind, each with the model's reason and its evidence.
/// </summary>
public static class AuditJudge
{
    /// <summary>Captured frames kept as evidence per finding.</summary>
    public const int EvidenceFramesPerFinding = 3;

    /// <summary>Judges <paramref name="arrivals"/> against <paramref name="plan"/>.</summary>
    /// <param name="plan">The probes sent (all of them were injected).</param>
    /// <param name="arrivals">Tagged probe frames captured, with the endpoint that saw each.</param>
    /// <param name="gateways">Gateway MACs learnt in discovery; explains BLACKHOLEs of routed paths whose gateway never answered.</param>
    /// <param name="foreignAddresses">Addresses found configured in zones outside their VNIC's allowed sources.</param>
    /// <param name="run">Facts of the run.</param>
    public static AuditResult Judge(
        ProbePlan plan,
        IReadOnlyList<Arrival> arrivals,
        GatewayMacs gateways,
        IReadOnlyDictionary<int, IReadOnlyList<IPAddress>> foreignAddresses,
        AuditRunInfo run)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(arrivals);
        ArgumentNullException.ThrowIfNull(gateways);
        ArgumentNullException.ThrowIfNull(foreignAddresses);
        ArgumentNullException.ThrowIfNull(run);
        var endpoints = plan.Topology.Endpoints;
        var n = endpoints.Count;
        var kinds = ProbeKinds.Reachability.Count;
        var cells = new CellState[n * n * kinds];
        var probes = plan.Probes;

        // Expected cells from the probes sent; a broadcast fills the cell of every peer.
        foreach (var p in probes)
        {
            if (ProbeKinds.Category(p.Kind) != ProbeCategory.Reachability)
            {
                continue;
            }

            var k = KindIndex(p.Kind);
            if (p.Target >= 0)
            {
                cells[CellIndex(n, p.Source, p.Target, k)] = Pending(plan.TargetExpectation(p, endpoints[p.Target]).Expectation);
            }
            else
            {
                for (var r = 0; r < n; r++)
                {
                    if (r != p.Source)
                    {
                        cells[CellIndex(n, p.Source, r, k)] = Pending(plan.TargetExpectation(p, endpoints[r]).Expectation);
                    }
                }
            }
        }

        // A tagged frame that crosses where the source's plain broadcast crossed too shows a leak, not a VLAN hop.
        var broadcastLeaks = arrivals
            .Where(a => probes[a.Probe].Kind == ProbeKind.ArpBroadcast && plan.Expect(probes[a.Probe], a.Receiver) == Expectation.MustNot)
            .Select(a => ((long)probes[a.Probe].Source * n) + a.Receiver)
            .ToHashSet();

        // Arrivals: the required ones complete their cell; the forbidden ones become findings.
        var arrived = new HashSet<long>();
        var groups = new Dictionary<(FindingKind Kind, int Source, int Receiver, ProbeKind Probe), Group>();
        foreach (var a in arrivals)
        {
            var p = probes[a.Probe];
            var category = ProbeKinds.Category(p.Kind);
            if (category == ProbeCategory.Discovery)
            {
                continue;
            }

            arrived.Add(((long)a.Probe * n) + a.Receiver);
            var expectation = plan.Expect(p, a.Receiver);
            if (category == ProbeCategory.Reachability && a.Receiver != p.Source)
            {
                var index = CellIndex(n, p.Source, a.Receiver, KindIndex(p.Kind));
                if (expectation == Expectation.MustNot)
                {
                    cells[index] = CellState.Leaked;
                }
                else if (p.Target < 0 || p.Target == a.Receiver)
                {
                    cells[index] = cells[index] switch
                    {
                        CellState.Blackholed => CellState.Reached,
                        CellState.MayNotCrossed => CellState.MayCrossed,
                        var same => same,
                    };
                }
            }

            if (expectation != Expectation.MustNot)
            {
                continue;
            }

            var kind = category switch
            {
                ProbeCategory.Spoofing => FindingKind.SpoofPassed,
                ProbeCategory.VlanHopping when !broadcastLeaks.Contains(((long)p.Source * n) + a.Receiver) => FindingKind.VlanHop,
                _ => FindingKind.Leak,
            };
            var key = (kind, p.Source, a.Receiver, p.Kind);
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = new Group(a.Probe);
            }

            group.Count++;
            group.Addressed += p.Target == a.Receiver || p.Target < 0 ? 1 : 0;
            if (p.Target == a.Receiver && probes[group.FirstProbe].Target != a.Receiver)
            {
                group.FirstProbe = a.Probe; // explain by the probe that was addressed to this receiver, when there is one
            }

            if (a.Frame is not null && group.Frames.Count < EvidenceFramesPerFinding)
            {
                group.Frames.Add(new EvidenceFrame(a.TimestampMicroseconds, a.Frame, a.Receiver, Sent: false));
            }
        }

        // Required arrivals that never happened.
        foreach (var p in probes)
        {
            if (ProbeKinds.Category(p.Kind) != ProbeCategory.Reachability)
            {
                continue;
            }

            var targets = p.Target >= 0 ? [p.Target] : Enumerable.Range(0, n).Where(r => r != p.Source);
            foreach (var r in targets)
            {
                if (plan.TargetExpectation(p, endpoints[r]).Expectation == Expectation.Must && !arrived.Contains(((long)p.Index * n) + r))
                {
                    var key = (FindingKind.Blackhole, p.Source, r, p.Kind);
                    if (!groups.TryGetValue(key, out var group))
                    {
                        groups[key] = group = new Group(p.Index);
                    }

                    group.Count++;
                }
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

        findings.Sort((a, b) => (a.Kind, a.Source, a.Receiver, a.Probe).CompareTo((b.Kind, b.Source, b.Receiver, b.Probe)));
        return new AuditResult(plan.Topology, cells, Summarise(n, cells, findings), findings, run);
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

    // Until an arrival says otherwise, a required cell counts as blackholed and an allowed one as not crossed.
    private static CellState Pending(Expectation expectation) => expectation switch
    {
        Expectation.Must => CellState.Blackholed,
        Expectation.MustNot => CellState.Isolated,
        Expectation.May => CellState.MayNotCrossed,
        _ => CellState.NotProbed,
    };

    private static int CellIndex(int n, int source, int receiver, int kind) => (((source * n) + receiver) * ProbeKinds.Reachability.Count) + kind;

    private static PairStatus[] Summarise(int n, CellState[] cells, List<AuditFinding> findings)
    {
        var pairs = new PairStatus[n * n];
        var kinds = ProbeKinds.Reachability.Count;
        for (var s = 0; s < n; s++)
        {
            for (var r = 0; r < n; r++)
            {
                if (s == r)
                {
                    pairs[(s * n) + r] = PairStatus.Self;
                    continue;
                }

                var reachable = false;
                for (var k = 0; k < kinds; k++)
                {
                    reachable |= cells[CellIndex(n, s, r, k)] is CellState.Reached or CellState.Blackholed;
                }

                pairs[(s * n) + r] = reachable ? PairStatus.Reachable : PairStatus.Isolated;
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
            ref var cell = ref pairs[(f.Source * n) + f.Receiver];
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
    }
}
