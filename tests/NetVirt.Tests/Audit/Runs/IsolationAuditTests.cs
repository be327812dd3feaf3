using System.Net;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Topology;
using NetVirt.Audit.Verdicts;
using NetVirt.Model.Addressing;

namespace NetVirt.Tests.Audit.Runs;

public sealed class IsolationAuditTests
{
    private static readonly AuditOptions Fast = new() { Deadline = TimeSpan.FromMilliseconds(400), Grace = TimeSpan.FromMilliseconds(30), DiscoveryTimeout = TimeSpan.FromMilliseconds(300) };

    private readonly AuditTopology topology = AuditModels.Topology();

    private int I(string name) => topology.E(name).Index;

    private static Task<AuditResult> RunAsync(FakeFabric fabric, AuditTopology topology) => new IsolationAudit(fabric, fabric).RunAsync(topology, Fast);

    private string Describe(AuditResult result) => string.Join("\n", result.Findings.Select(f =>
        $"{FindingKinds.Name(f.Kind)} {topology.Endpoints[f.Source].Name} -> {(f.Receiver < 0 ? "-" : topology.Endpoints[f.Receiver].Name)} {ProbeKinds.Name(f.Probe)}: {f.Expected} / {f.Observed}"));

    [Fact]
    public async Task Run_HealthyFabric_CleanWithRoutedAndIsolatedPairs()
    {
        var fabric = new FakeFabric(topology);
        var result = await RunAsync(fabric, topology);

        Assert.True(result.IsClean, Describe(result));
        Assert.Equal(PairStatus.Reachable, result.Pair(I("w1/net0"), I("w2/net0")));
        Assert.Equal(PairStatus.Reachable, result.Pair(I("w1/net0"), I("d1/net0")));
        Assert.Equal(CellState.Reached, result.Cell(I("w1/net0"), I("d1/net0"), AuditJudge.KindIndex(ProbeKind.Icmpv4Echo)));
        Assert.Equal(CellState.Isolated, result.Cell(I("w1/net0"), I("d1/net0"), AuditJudge.KindIndex(ProbeKind.ArpUnicast)));
        Assert.Equal(PairStatus.Isolated, result.Pair(I("w1/net0"), I("g1/net0")));
        Assert.Equal(PairStatus.Isolated, result.Pair(I("d1/net1"), I("w1/net0")));
        Assert.Equal(CellState.MayCrossed, result.Cell(I("w3/net0"), I("d1/net0"), AuditJudge.KindIndex(ProbeKind.Icmpv4Echo)));
        Assert.Equal(30, topology.PairCount);
        Assert.Equal(fabric.Injected, result.Run.ProbesSent + result.Run.ProbesResent);
    }

    [Fact]
    public async Task Run_HealthyFabric_WatchesTheHostsSideOfEveryBridgeNotPromiscuous_AndTheHostGetsNothing()
    {
        var fabric = new FakeFabric(topology);
        var result = await RunAsync(fabric, topology);

        Assert.True(result.IsClean, Describe(result));
        Assert.Equal(topology.Bridges.Select(b => b.Name), result.Run.HostBridges);
        Assert.NotEmpty(result.Run.HostBridges);
        Assert.False(fabric.HostCapturePromiscuous);
        Assert.Contains("HOST_REACHED", NetVirt.Audit.Reports.AuditText.Coverage(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BridgesPassZonesFramesUpToTheHost_HostReachedPerSourceAndOneCausePerBridge()
    {
        var fabric = new FakeFabric(topology) { HostIsolated = false };
        var result = await RunAsync(fabric, topology);

        var reached = result.Findings.Where(f => f.Kind == FindingKind.HostReached).ToList();
        var bridged = topology.Endpoints.Where(e => e.HostEnd is not null).Select(e => e.Index).ToHashSet();
        Assert.Equal(bridged.Order(), reached.Select(f => f.Source).Distinct().Order());
        Assert.All(reached, f =>
        {
            Assert.Equal(-1, f.Receiver);
            Assert.Equal(topology.Bridges.Single(b => b.Domain == topology.Endpoints[f.Source].Domain).Name, f.HostInterface);
            Assert.StartsWith("isolated from the host", f.Expected, StringComparison.Ordinal);
            Assert.StartsWith($"the host received it from bridge {f.HostInterface}", f.Observed, StringComparison.Ordinal);
            Assert.True(f.Frames[0].Sent);
            Assert.Contains(f.Frames.Skip(1), frame => !frame.Sent && frame.HostInterface == f.HostInterface && frame.Endpoint == f.Source);
        });
        Assert.Contains(reached, f => f.Probe == ProbeKind.ArpBroadcast);
        Assert.True(result.BreaksIsolation);
        Assert.Equal($"host ({reached[0].HostInterface})", NetVirt.Audit.Reports.AuditText.To(topology, reached[0]));

        var causes = result.Causes.Where(c => c.Kind == CauseKind.HostReachable).ToList();
        Assert.Equal(reached.Select(f => f.HostInterface).Distinct().Count(), causes.Count);
        Assert.Equal(reached.Count, causes.Sum(c => c.Findings.Count));
        Assert.All(causes, c => Assert.Contains("'host-isolated'", c.Explanation, StringComparison.Ordinal));
        Assert.DoesNotContain(result.Findings, f => f.Kind is FindingKind.Leak or FindingKind.Blackhole);
    }

    [Fact]
    public async Task Run_HostNotWatched_BridgesPassingFramesUpGoUnseen()
    {
        var fabric = new FakeFabric(topology) { HostIsolated = false };
        var result = await new IsolationAudit(fabric, fabric).RunAsync(topology, Fast with { WatchHost = false });

        Assert.True(result.IsClean, Describe(result));
        Assert.Empty(result.Run.HostBridges);
        Assert.Null(fabric.HostCapturePromiscuous);
    }

    [Fact]
    public async Task Run_TwoTenantDomainsJoined_LeaksBothWaysWithReasonAndEvidence()
    {
        var fabric = new FakeFabric(topology);
        fabric.Join(fabric.DomainIndex(topology.E("w1/net0")), fabric.DomainIndex(topology.E("g1/net0")));
        var result = await RunAsync(fabric, topology);

        var leak = Assert.Single(result.Findings, f => f.Kind == FindingKind.Leak && f.Source == I("w1/net0") && f.Receiver == I("g1/net0") && f.Probe == ProbeKind.ArpUnicast);
        Assert.Equal("isolated: VLAN 100 vs 200 on etherstub stub0", leak.Expected);
        Assert.StartsWith("arrived ", leak.Observed, StringComparison.Ordinal);
        Assert.Equal(I("g1/net0"), result.Run.ProbesSent > 0 ? leak.Receiver : -1);
        Assert.True(leak.Frames.Count >= 2, "the frame sent, then the frames captured");
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.Leak && f.Source == I("g1/net0") && f.Receiver == I("w2/net0") && f.Probe == ProbeKind.ArpBroadcast);
        Assert.DoesNotContain(result.Findings, f => f.Kind == FindingKind.VlanHop);
        Assert.DoesNotContain(result.Findings, f => f.Receiver == I("d1/net0") && f.Kind == FindingKind.Leak);
        Assert.True(result.BreaksIsolation);
        Assert.Equal(PairStatus.Leak, result.Pair(I("g1/net0"), I("w1/net0")));
    }

    [Fact]
    public async Task Run_ProtectionOffOnOneVnic_SpoofPassesFromItOnly()
    {
        var fabric = new FakeFabric(topology);
        fabric.Drops = (e, f) => e.Name != "w1/net0" && FakeFabric.DefaultProtection(e, f);
        var result = await RunAsync(fabric, topology);

        Assert.NotEmpty(result.Findings);
        Assert.All(result.Findings, f => Assert.Equal((FindingKind.SpoofPassed, I("w1/net0")), (f.Kind, f.Source)));
        var mac = Assert.Single(result.Findings, f => f.Probe == ProbeKind.SpoofSourceMac && f.Receiver == I("w2/net0"));
        Assert.Equal("dropped: w1/net0 has mac-nospoof, and this frame carried forged source MAC 00:00:5e:00:53:01 (own 02:00:00:00:01:01)", mac.Expected);
        Assert.Contains(result.Findings, f => f.Probe == ProbeKind.SpoofArpSender && f.Receiver == I("w3/net0"));
        Assert.DoesNotContain(result.Findings, f => f.Receiver == I("g1/net0"));
    }

    [Fact]
    public async Task Run_TrunkForwardsTaggedFrames_VlanHopIntoTheOtherVlanOnly()
    {
        var fabric = new FakeFabric(topology);
        fabric.Trunk(fabric.DomainIndex(topology.E("w1/net0")), fabric.DomainIndex(topology.E("g1/net0")));
        var result = await RunAsync(fabric, topology);

        Assert.Contains(result.Findings, f => f.Kind == FindingKind.VlanHop && f.Source == I("w1/net0") && f.Receiver == I("g1/net0") && f.Probe == ProbeKind.VlanTagged);
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.VlanHop && f.Source == I("g1/net0") && f.Receiver == I("w2/net0") && f.Probe == ProbeKind.VlanDoubleTagged);
        Assert.All(result.Findings, f => Assert.Equal(FindingKind.VlanHop, f.Kind));
        Assert.Contains("a frame with 802.1Q tag", result.Findings.First(f => f.Probe == ProbeKind.VlanTagged && f.Source == I("w1/net0") && f.Receiver == I("g1/net0")).Expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RouterSilent_RoutedPairsBlackholedWithTheReason()
    {
        var fabric = new FakeFabric(topology) { RoutersAnswer = false };
        var result = await RunAsync(fabric, topology);

        var hole = Assert.Single(result.Findings, f => f.Kind == FindingKind.Blackhole && f.Source == I("w1/net0") && f.Receiver == I("d1/net0") && f.Probe == ProbeKind.Icmpv4Echo);
        Assert.Equal("reachable: routed by router acme via 10.1.0.1 from network web to db", hole.Expected);
        Assert.Contains("gateway 10.1.0.1 of network web never answered ARP", hole.Observed, StringComparison.Ordinal);
        Assert.False(result.BreaksIsolation);
        Assert.Contains(result.Run.Notes, n => n.Contains("gateway 10.1.0.1 of network web did not answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_ZoneHoldsAddressOutsideAllowed_ForeignAddressAndProbeFromIt()
    {
        var fabric = new FakeFabric(topology);
        fabric.Configured[I("w1/net0")] = [InterfaceAddress.Parse("10.1.0.11/24"), InterfaceAddress.Parse("10.3.0.99/24"), new InterfaceAddress(Eui64.LinkLocal(NetVirt.Model.Addressing.MacAddress.Parse("02:00:00:00:01:01")), 64)];
        var result = await RunAsync(fabric, topology);

        var finding = Assert.Single(result.Findings);
        Assert.Equal((FindingKind.ForeignAddress, I("w1/net0"), -1), (finding.Kind, finding.Source, finding.Receiver));
        Assert.Contains("zone w1 has 10.3.0.99 configured on net0", finding.Observed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoNamespaces_SaysToApplyFirst()
    {
        var fabric = new FakeFabric(topology);
        fabric.Missing.AddRange(topology.Endpoints.Select(e => e.Netns).Distinct());

        var error = await Assert.ThrowsAsync<AuditPreconditionException>(() => RunAsync(fabric, topology));
        Assert.Contains("nothing is applied on this host", error.Message, StringComparison.Ordinal);
        Assert.Contains("netvirt apply", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForeignAddresses_KernelLinkLocalOfOwnMac_IsNotForeign()
    {
        var w1 = I("w1/net0");
        var g1 = I("g1/net0");
        var foreign = IsolationAudit.ForeignAddresses(topology, new Dictionary<int, IReadOnlyList<InterfaceAddress>>
        {
            [g1] = [InterfaceAddress.Parse("10.3.0.11/24"), new InterfaceAddress(Eui64.LinkLocal(NetVirt.Model.Addressing.MacAddress.Parse("02:00:00:00:03:01")), 64)],
            [w1] = [InterfaceAddress.Parse("fd01::99/64")],
        });

        Assert.False(foreign.ContainsKey(g1));
        Assert.Equal([IPAddress.Parse("fd01::99")], foreign[w1]);
    }
}
