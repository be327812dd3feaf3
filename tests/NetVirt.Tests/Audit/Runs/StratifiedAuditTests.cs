using System.Globalization;
using System.Text;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Topology;
using NetVirt.Audit.Verdicts;

namespace NetVirt.Tests.Audit.Runs;

public sealed class StratifiedAuditTests
{
    private static readonly AuditOptions Fast = new()
    {
        Deadline = TimeSpan.FromMilliseconds(400), Grace = TimeSpan.FromMilliseconds(30), DiscoveryTimeout = TimeSpan.FromMilliseconds(300),
        Mode = AuditMode.Stratified,
    };

    private readonly AuditTopology topology = AuditModels.Topology(Model());

    // acme: web (VLAN 100, 5 zones, one of them unprotected) and db (VLAN 101, 3 zones), routed for IPv4 (the fake
    // fabric's routers answer ARP only); globex: gx (VLAN 200, 4 zones).
    private static string Model()
    {
        var yaml = new StringBuilder("""
            etherstubs:
              - name: stub0
            networks:
              - { name: web, tenant: acme, over: stub0, vlan: 100, ipv4: { subnet: 10.1.0.0/24, gateway: 10.1.0.1 }, ipv6: { subnet: "fd01::/64", gateway: "fd01::1" } }
              - { name: db, tenant: acme, over: stub0, vlan: 101, ipv4: { subnet: 10.2.0.0/24, gateway: 10.2.0.1 }, ipv6: { subnet: "fd02::/64" } }
              - { name: gx, tenant: globex, over: stub0, vlan: 200, ipv4: { subnet: 10.3.0.0/24, gateway: 10.3.0.1 } }
            zones:

            """);
        foreach (var (network, count, n) in new[] { ("web", 5, 1), ("db", 3, 2), ("gx", 4, 3) })
        {
            for (var z = 1; z <= count; z++)
            {
                var protection = network == "web" && z == 5 ? ", protection: []" : "";
                var v6 = network == "gx" ? "" : $", {{ tag: b, address: \"fd0{n}::{z + 10}/64\" }}";
                yaml.Append(CultureInfo.InvariantCulture,
                    $"  - {{ name: {network}{z}, vnics: [ {{ name: net0, network: {network}, mac: \"02:00:00:00:0{n}:{z:x2}\"{protection}, addresses: [ {{ tag: a, address: 10.{n}.0.{z + 10}/24 }}{v6} ] }} ] }}\n");
            }
        }

        return yaml.ToString();
    }

    private int I(string name) => topology.E(name).Index;

    private Task<AuditResult> RunAsync(FakeFabric fabric, AuditOptions? options = null) => new IsolationAudit(fabric, fabric).RunAsync(topology, options ?? Fast);

    private string Describe(AuditResult result) => string.Join("\n", result.Findings.Select(f =>
        $"{FindingKinds.Name(f.Kind)} {topology.Endpoints[f.Source].Name} -> {(f.Receiver < 0 ? "-" : topology.Endpoints[f.Receiver].Name)} {ProbeKinds.Name(f.Probe)}: {f.Expected} / {f.Observed}"));

    [Fact]
    public void Classes_ByDomainNetworkRouterProtectionRoutesAndFamilies()
    {
        var classes = AuditClasses.For(topology, AuditMode.Stratified);

        Assert.Equal(4, classes.Count);
        Assert.Equal(["web1/net0", "web2/net0", "web3/net0", "web4/net0"], classes.All[0].Members.Select(m => topology.Endpoints[m].Name));
        Assert.Equal([I("web5/net0")], classes.All[1].Members);
        Assert.Equal(classes.ClassOf(I("db1/net0")), classes.ClassOf(I("db3/net0")));
        Assert.Equal(
            "etherstub stub0, VLAN 100; network web; router acme; protection mac-nospoof,ip-nospoof; routes 0.0.0.0/0 via 10.1.0.1, ::/0 via fd01::1; addresses IPv4 + IPv6",
            classes.All[0].Key);
        Assert.Equal(I("web4/net0"), classes.All[0].RingPeer(0));
        Assert.Equal(I("web1/net0"), classes.All[0].RingPeer(1));
        Assert.Equal(-1, classes.All[1].RingPeer(0));
    }

    // In a bridge tree a leaf learns only its own ports' MACs, so ring peers on different leaves would flood the whole
    // domain with every probe: told where each port is, the ring keeps each bridge's members together.
    [Fact]
    public void Classes_TheBridgeOfEachPortKnown_RingNeighboursShareABridge()
    {
        string[] web = ["web1/net0", "web2/net0", "web3/net0", "web4/net0"];
        var bridgeOf = new Dictionary<int, string> { [I(web[0])] = "leaf-b", [I(web[1])] = "leaf-a", [I(web[2])] = "leaf-b", [I(web[3])] = "leaf-a" };

        var ring = AuditClasses.For(topology, AuditMode.Stratified, bridgeOf).All[0];
        var plain = AuditClasses.For(topology, AuditMode.Stratified).All[0];

        Assert.Equal([I(web[0]), I(web[1]), I(web[3]), I(web[2])], ring.Ring); // the representative, then leaf-a, then leaf-b
        Assert.Equal(plain.Members, ring.Members);
        Assert.Equal(I(web[0]), ring.Representative);
        Assert.Equal(I(web[1]), ring.RingPeer(2)); // web4 probes web2, its neighbour on leaf-a
        Assert.Equal(I(web[2]), ring.RingPeer(0)); // the representative closes the ring
        Assert.Equal(plain.Members, plain.Ring);
        // Probed from another bridge (the ring is web1, web2, web4, web3): web1 (leaf-b) by web2 (leaf-a), web4 (leaf-a) by web3 (leaf-b).
        Assert.Equal(new[] { I(web[0]), I(web[3]) }.Order(), ring.LearnedEverywhere.Order());
        Assert.Empty(plain.LearnedEverywhere);

        // Those members' learning frames go to every port; the others' to themselves.
        var plan = new NetVirt.Audit.Probes.ProbePlan(topology, 0x1234, AuditClasses.For(topology, AuditMode.Stratified, bridgeOf));
        NetVirt.Audit.Probes.ProbePlanner.PlanDiscovery(plan);
        string LearnTo(string name) => Convert.ToHexString(((PacketDotNet.EthernetPacket)NetVirt.Audit.Probes.ProbeSignature.Decode(
            plan.FrameOf(plan.Probes.Single(p => p.Kind == ProbeKind.Learn && p.Source == I(name)).Index))).DestinationHardwareAddress.GetAddressBytes());
        Assert.Equal("FFFFFFFFFFFF", LearnTo(web[3]));
        Assert.Equal(topology.E(web[1]).Mac, NetVirt.Model.Addressing.MacAddress.FromBytes(Convert.FromHexString(LearnTo(web[1]))));
    }

    [Fact]
    public void Classes_RouteToSomeMembers_SplitsTheirClass()
    {
        var yaml = Model().Replace("  - { name: db1, vnics:", "  - { name: db1, routes: [ { to: 10.3.0.12/32, via: 10.2.0.1 } ], vnics:", StringComparison.Ordinal);
        var split = AuditTopology.FromModel(Tests.Support.Models.Parse(yaml), new NetVirt.Backends.Linux.Resources.LinuxNaming("nvt1"));
        var classes = AuditClasses.For(split, AuditMode.Stratified);

        Assert.NotEqual(classes.ClassOf(split.E("gx1/net0").Index), classes.ClassOf(split.E("gx2/net0").Index));
        Assert.Equal(classes.ClassOf(split.E("gx1/net0").Index), classes.ClassOf(split.E("gx3/net0").Index));
        Assert.NotEqual(classes.ClassOf(split.E("db1/net0").Index), classes.ClassOf(split.E("db2/net0").Index));
    }

    [Fact]
    public void Classes_Full_OneEndpointEach()
    {
        var classes = AuditClasses.For(topology, AuditMode.Full);

        Assert.Equal(topology.Endpoints.Count, classes.Count);
        Assert.All(topology.Endpoints, e => Assert.Equal([e.Index], classes.All[classes.ClassOf(e.Index)].Members));
    }

    // A solicitation to a group floods the whole domain (no bridge learns the zones' groups), so in a stratified audit
    // only each class's representative sends one; every other member tests its own port with one addressed to its ring
    // peer alone, as neighbour unreachability detection does: one flood per class instead of one per member.
    [Fact]
    public void Plan_SolicitationsToAGroupFromRepresentativesOnly_TheOtherMembersToTheirRingPeer()
    {
        var classes = AuditClasses.For(topology, AuditMode.Stratified);
        var plan = new NetVirt.Audit.Probes.ProbePlan(topology, 0x1234, classes);
        NetVirt.Audit.Probes.ProbePlanner.PlanDiscovery(plan);
        NetVirt.Audit.Probes.ProbePlanner.PlanProbes(plan, new NetVirt.Audit.Probes.GatewayMacs());
        var web = classes.All[0];

        for (var i = 0; i < web.Ring.Count; i++)
        {
            var (member, peer) = (topology.Endpoints[web.Ring[i]], topology.Endpoints[web.RingPeer(i)]);
            var probe = plan.Probes.Single(p => p.Kind == ProbeKind.NeighborSolicitation && p.Source == member.Index && p.Target == peer.Index);
            var frame = NetVirt.Audit.Probes.ProbeSignature.Decode(plan.FrameOf(probe.Index));
            var to = ((PacketDotNet.EthernetPacket)frame).DestinationHardwareAddress.GetAddressBytes();
            var ip = frame.Extract<PacketDotNet.IPv6Packet>().DestinationAddress;
            if (member.Index == web.Representative)
            {
                Assert.Equal(0x33, to[0]);
                Assert.Equal(NetVirt.Audit.Probes.ProbeFrames.SolicitedNodeAddress(peer.AddressOf(System.Net.Sockets.AddressFamily.InterNetworkV6)!), ip);
            }
            else
            {
                Assert.Equal(peer.Mac, NetVirt.Model.Addressing.MacAddress.FromBytes(to));
                Assert.Equal(peer.AddressOf(System.Net.Sockets.AddressFamily.InterNetworkV6), ip);
            }
        }
    }

    [Fact]
    public async Task Run_Healthy_CleanMatrixOfClassesWithFewerProbesThanFull()
    {
        var stratified = await RunAsync(new FakeFabric(topology));
        var full = await RunAsync(new FakeFabric(topology), Fast with { Mode = AuditMode.Full });

        Assert.True(stratified.IsClean, Describe(stratified));
        Assert.True(full.IsClean, Describe(full));
        Assert.Equal(AuditMode.Stratified, stratified.Mode);
        Assert.Equal(4, stratified.Rows);
        Assert.Equal(topology.Endpoints.Count, full.Rows);
        Assert.True(stratified.Run.ProbesSent < full.Run.ProbesSent, $"{stratified.Run.ProbesSent} vs {full.Run.ProbesSent}");
        Assert.Equal(PairStatus.Reachable, stratified.Pair(0, 0));
        Assert.Equal(PairStatus.Self, stratified.Pair(1, 1));
        var web = stratified.Classes.ClassOf(I("web1/net0"));
        var db = stratified.Classes.ClassOf(I("db1/net0"));
        var gx = stratified.Classes.ClassOf(I("gx1/net0"));
        Assert.Equal(CellState.Reached, stratified.Cell(web, db, AuditJudge.KindIndex(ProbeKind.Icmpv4Echo)));
        Assert.Equal(CellState.Isolated, stratified.Cell(web, gx, AuditJudge.KindIndex(ProbeKind.Icmpv4Echo)));
        Assert.Equal(CellState.Reached, stratified.Cell(web, web, AuditJudge.KindIndex(ProbeKind.ArpBroadcast)));
        Assert.Equal("web1/net0 (+3)", stratified.RowName(web));
    }

    [Fact]
    public async Task Run_OneMemberOnTheWrongBridge_FoundByItsOwnProbes()
    {
        var fabric = new FakeFabric(topology);
        fabric.Move(topology.E("web3/net0"), fabric.DomainIndex(topology.E("gx1/net0")));
        var result = await RunAsync(fabric);

        Assert.Contains(result.Findings, f => f.Kind == FindingKind.Leak && f.Source == I("web3/net0") && topology.Endpoints[f.Receiver].Network!.Name == "gx");
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.Blackhole && f.Source == I("web3/net0") && f.Receiver == I("web2/net0"));
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.Blackhole && f.Source == I("web1/net0") && f.Receiver == I("web3/net0") && f.Probe == ProbeKind.ArpBroadcast);
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.Leak && f.Source == I("gx1/net0") && f.Receiver == I("web3/net0") && f.Probe == ProbeKind.ArpBroadcast);
        Assert.DoesNotContain(result.Findings, f => f.Kind == FindingKind.VlanHop);
    }

    [Fact]
    public async Task Run_TwoDomainsJoined_LeaksBetweenTheirClasses()
    {
        var fabric = new FakeFabric(topology);
        fabric.Join(fabric.DomainIndex(topology.E("web1/net0")), fabric.DomainIndex(topology.E("gx1/net0")));
        var result = await RunAsync(fabric);

        var web = result.Classes.ClassOf(I("web1/net0"));
        var gx = result.Classes.ClassOf(I("gx1/net0"));
        Assert.Equal(PairStatus.Leak, result.Pair(web, gx));
        Assert.Equal(PairStatus.Leak, result.Pair(gx, web));
        Assert.Equal(CellState.Leaked, result.Cell(web, gx, AuditJudge.KindIndex(ProbeKind.ArpBroadcast)));
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.Leak && f.Source == I("web1/net0") && f.Receiver == I("gx4/net0") && f.Probe == ProbeKind.ArpBroadcast);
    }

    [Fact]
    public async Task Run_ProtectionOffOnOneMember_SpoofPassesFromItOnly()
    {
        var fabric = new FakeFabric(topology);
        fabric.Drops = (e, f) => e.Name != "db2/net0" && FakeFabric.DefaultProtection(e, f);
        var result = await RunAsync(fabric);

        Assert.NotEmpty(result.Findings);
        Assert.All(result.Findings, f => Assert.Equal((FindingKind.SpoofPassed, I("db2/net0")), (f.Kind, f.Source)));
    }

    [Fact]
    public async Task Run_TrunkForwardsTaggedFrames_VlanHopFromTheRepresentativesBroadcast()
    {
        var fabric = new FakeFabric(topology);
        fabric.Trunk(fabric.DomainIndex(topology.E("db1/net0")), fabric.DomainIndex(topology.E("gx1/net0")));
        var result = await RunAsync(fabric);

        Assert.Contains(result.Findings, f => f.Kind == FindingKind.VlanHop && f.Source == I("db1/net0") && f.Receiver == I("gx2/net0"));
        Assert.DoesNotContain(result.Findings, f => f.Kind == FindingKind.Leak);
    }

    [Fact]
    public async Task Run_SendBufferFull_BacksOffAndRetriesWithoutFailing()
    {
        var fabric = new FakeFabric(topology) { RefuseFirst = 5 };
        var result = await RunAsync(fabric);

        Assert.True(result.IsClean, Describe(result));
        Assert.Equal(5, result.Run.SendRefusals);
        Assert.Equal(0, result.Run.ProbesUnsent);
        Assert.Contains(result.Run.Notes, n => n.StartsWith("the kernel refused 5 frames for full buffers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_SendBufferStaysFull_ProbeGivenUpAndNotJudged()
    {
        var fabric = new FakeFabric(topology) { RefuseFirst = int.MaxValue };
        var result = await RunAsync(fabric, Fast with { SendTimeout = TimeSpan.FromMilliseconds(5), RetryRounds = 0 });

        Assert.True(result.IsClean, Describe(result));
        Assert.Equal(result.Run.ProbesSent, result.Run.ProbesUnsent);
        Assert.Contains(result.Run.Notes, n => n.Contains("could not be sent", StringComparison.Ordinal));
    }

    [Fact]
    public void ModeFor_StratifiesAboveTheThreshold()
    {
        Assert.Equal(AuditMode.Full, AuditOptions.Default.ModeFor(AuditOptions.DefaultStratifyAbove));
        Assert.Equal(AuditMode.Stratified, AuditOptions.Default.ModeFor(AuditOptions.DefaultStratifyAbove + 1));
        Assert.Equal(AuditMode.Full, (AuditOptions.Default with { Mode = AuditMode.Full }).ModeFor(10_000));
        Assert.Equal(64 * 1024, AuditOptions.Default.BufferBytesFor(5000));
        Assert.Equal(1024 * 1024, AuditOptions.Default.BufferBytesFor(200));
    }

    [Fact]
    public void AddressedFilter_OwnMacBroadcastAllNodesAndSolicitedNodeGroups()
    {
        Assert.Equal(
            "ether dst 02:00:00:00:01:01 or ether broadcast or ether dst 33:33:00:00:00:01 or ether dst 33:33:ff:00:00:11 or ether dst 33:33:ff:00:01:01",
            IsolationAudit.AddressedFilter(topology.E("web1/net0")));
    }
}
