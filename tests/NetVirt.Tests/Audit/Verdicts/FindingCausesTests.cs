using NetVirt.Audit.Runs;
using NetVirt.Audit.Topology;
using NetVirt.Audit.Verdicts;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Topology;
using NetVirt.Tests.Audit.Runs;

namespace NetVirt.Tests.Audit.Verdicts;

public sealed class FindingCausesTests
{
    private static readonly AuditOptions Fast = new() { Deadline = TimeSpan.FromMilliseconds(300), Grace = TimeSpan.FromMilliseconds(20) };
    private static readonly LinuxNaming Naming = new("nvt1");

    private static async Task<AuditResult> AuditAsync(AuditTopology topology, Action<FakeFabric> fault)
    {
        var fabric = new FakeFabric(topology);
        fault(fabric);
        return await new IsolationAudit(fabric, fabric).RunAsync(topology, Fast);
    }

    [Fact]
    public async Task Group_ForeignVethJoiningTwoVlans_IsOneCauseNamingThePairWithEverySymptom()
    {
        var topology = AuditModels.Topology();
        var web = topology.E("w1/net0").Domain;
        var gx = topology.E("g1/net0").Domain;
        var result = await AuditAsync(topology, fabric =>
        {
            fabric.Join(fabric.DomainIndex(topology.E("w1/net0")), fabric.DomainIndex(topology.E("g1/net0")));
            fabric.UnexpectedPorts.Add(new BridgePort("evil-a", Naming.Bridge("stub0", 100), web, 41, 42));
            fabric.UnexpectedPorts.Add(new BridgePort("evil-b", Naming.Bridge("stub0", 200), gx, 42, 41));
        });

        Assert.True(result.Findings.Count > 10, $"{result.Findings.Count} findings");
        var cause = Assert.Single(result.Causes);
        Assert.Equal(CauseKind.DomainsJoined, cause.Kind);
        Assert.Equal(Enumerable.Range(0, result.Findings.Count), cause.Findings);
        Assert.Equal("etherstub stub0, VLAN 100 and etherstub stub0, VLAN 200 are joined at layer 2", cause.Title);
        Assert.Contains("the veth pair evil-a (on bridge nvt1-stub0.100) and evil-b (on bridge nvt1-stub0.200) joins them", cause.Explanation, StringComparison.Ordinal);
        Assert.Equal(["evil-a", "evil-b"], cause.ForeignPorts.Select(p => p.Name));
    }

    [Fact]
    public async Task Group_JoinedWithoutForeignPortSeen_SaysWhatWasLookedAt()
    {
        var topology = AuditModels.Topology();
        var result = await AuditAsync(topology, fabric => fabric.Join(fabric.DomainIndex(topology.E("w1/net0")), fabric.DomainIndex(topology.E("g1/net0"))));

        var cause = Assert.Single(result.Causes);
        Assert.Contains("observation found no port that is not NetVirt's on nvt1-stub0.100 or nvt1-stub0.200", cause.Explanation, StringComparison.Ordinal);
        Assert.Empty(cause.ForeignPorts);
    }

    [Fact]
    public async Task Group_ProtectionOffOnOneVnic_IsOneCausePerSourceNamingTheProtections()
    {
        var topology = AuditModels.Topology();
        var w1 = topology.E("w1/net0");
        var result = await AuditAsync(topology, fabric => fabric.Drops = (e, f) => e.Index != w1.Index && FakeFabric.DefaultProtection(e, f));

        var cause = Assert.Single(result.Causes);
        Assert.Equal(CauseKind.ProtectionNotEnforced, cause.Kind);
        Assert.StartsWith("w1/net0: ", cause.Title, StringComparison.Ordinal);
        Assert.Contains("mac-nospoof", cause.Title, StringComparison.Ordinal);
        Assert.Contains("ip-nospoof", cause.Title, StringComparison.Ordinal);
        Assert.All(cause.Findings, i => Assert.Equal(FindingKind.SpoofPassed, result.Findings[i].Kind));
    }

    [Fact]
    public void Group_VnicHostEndOnAnotherBridge_ClaimsItsLeaksAndBlackholes()
    {
        var topology = AuditModels.Topology();
        var w1 = topology.E("w1/net0");
        var w2 = topology.E("w2/net0");
        var g1 = topology.E("g1/net0");
        var findings = new List<AuditFinding>
        {
            Finding(FindingKind.Leak, w1.Index, g1.Index),
            Finding(FindingKind.Blackhole, w2.Index, w1.Index),
            Finding(FindingKind.Blackhole, w1.Index, w2.Index),
        };
        var result = Result(topology, findings);
        var port = new BridgePort(w1.HostEnd!, Naming.Bridge("stub0", 200), g1.Domain, 7, 8);

        var cause = Assert.Single(FindingCauses.Group(result, [port]));

        Assert.Equal(CauseKind.VnicOnWrongBridge, cause.Kind);
        Assert.Equal("w1/net0 is plugged into the bridge of etherstub stub0, VLAN 200", cause.Title);
        Assert.Equal([0, 1, 2], cause.Findings);
    }

    [Fact]
    public void Group_LeakOfIpOnly_IsRoutedBetweenNetworks()
    {
        var topology = AuditModels.Topology();
        var findings = new List<AuditFinding>
        {
            Finding(FindingKind.Leak, topology.E("w1/net0").Index, topology.E("g1/net0").Index, NetVirt.Audit.Probes.ProbeKind.Icmpv4Echo),
            Finding(FindingKind.Leak, topology.E("g1/net0").Index, topology.E("w2/net0").Index, NetVirt.Audit.Probes.ProbeKind.Udpv4),
        };

        var cause = Assert.Single(FindingCauses.Group(Result(topology, findings), []));

        Assert.Equal(CauseKind.RoutedBetweenNetworks, cause.Kind);
        Assert.Equal("IP is routed between network web and network gx", cause.Title);
    }

    [Fact]
    public void Group_Blackholes_GoToTheVnicInMostOfThem()
    {
        var topology = AuditModels.Topology();
        var w1 = topology.E("w1/net0").Index;
        var w2 = topology.E("w2/net0").Index;
        var w3 = topology.E("w3/net0").Index;
        var findings = new List<AuditFinding> { Finding(FindingKind.Blackhole, w1, w3), Finding(FindingKind.Blackhole, w2, w3), Finding(FindingKind.Blackhole, w3, w1) };

        var cause = Assert.Single(FindingCauses.Group(Result(topology, findings), []));

        Assert.Equal("w3/net0 is cut off from 2 peers it must reach", cause.Title);
        Assert.Equal([0, 1, 2], cause.Findings);
    }

    [Fact]
    public void CauseOfEach_MapsEveryFindingToItsCause()
    {
        FindingCause[] causes =
        [
            new() { Kind = CauseKind.Unreachable, Title = "a", Explanation = "", Findings = [1] },
            new() { Kind = CauseKind.DomainsJoined, Title = "b", Explanation = "", Findings = [0, 2] },
        ];

        Assert.Equal([1, 0, 1, -1], FindingCauses.CauseOfEach(causes, 4));
    }

    private static AuditFinding Finding(FindingKind kind, int source, int receiver, NetVirt.Audit.Probes.ProbeKind probe = NetVirt.Audit.Probes.ProbeKind.ArpUnicast) =>
        new() { Kind = kind, Source = source, Receiver = receiver, Probe = probe, Expected = "x", Observed = "y" };

    private static AuditResult Result(AuditTopology topology, IReadOnlyList<AuditFinding> findings)
    {
        var n = topology.Endpoints.Count;
        return new AuditResult(topology, AuditClasses.For(topology, AuditMode.Full), new CellState[n * n * NetVirt.Audit.Probes.ProbeKinds.Reachability.Count], new PairStatus[n * n], findings, new AuditRunInfo { Started = DateTimeOffset.UnixEpoch, Engine = "test" });
    }
}
