using NetVirt.Audit.Expectations;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Topology;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Audit.Expectations;

/// <summary>The audit of a model with hosts: each zone where its host's agent puts it, and the same rules, except that neighbour discovery stays on its host.</summary>
public sealed class AcrossHostsTests
{
    // acme's web network on h1 and h2 (one L2 domain over VXLAN), db routed on h2; globex on h1.
    private const string ThreeZones = """
        hosts:
          - { name: h1, address: 172.31.255.1 }
          - { name: h2, address: 172.31.255.2 }
        etherstubs:
          - name: stub0
        networks:
          - { name: web, tenant: acme, over: stub0, vlan: 100, ipv4: { subnet: 10.1.0.0/24, gateway: 10.1.0.1 } }
          - { name: db, tenant: acme, over: stub0, vlan: 101, ipv4: { subnet: 10.2.0.0/24, gateway: 10.2.0.1 } }
          - { name: gx, tenant: globex, over: stub0, vlan: 200, ipv4: { subnet: 10.1.0.0/24, gateway: 10.1.0.1 } }
        zones:
          - { name: w1, host: h1, vnics: [ { name: net0, network: web, mac: "02:00:00:00:01:01", addresses: [ { tag: a, address: 10.1.0.11/24 } ] } ] }
          - { name: w2, host: h2, vnics: [ { name: net0, network: web, mac: "02:00:00:00:01:02", addresses: [ { tag: a, address: 10.1.0.12/24 } ] } ] }
          - { name: w3, host: h1, vnics: [ { name: net0, network: web, mac: "02:00:00:00:01:03", addresses: [ { tag: a, address: 10.1.0.13/24 } ] } ] }
          - { name: d1, host: h2, vnics: [ { name: net0, network: db, mac: "02:00:00:00:02:01", addresses: [ { tag: a, address: 10.2.0.11/24 } ] } ] }
          - { name: g1, host: h1, vnics: [ { name: net0, network: gx, mac: "02:00:00:00:03:01", addresses: [ { tag: a, address: 10.1.0.21/24 } ] } ] }
        """;

    private readonly AuditTopology topology = AuditTopology.FromModel(Models.Parse(ThreeZones), h => new LinuxNaming(h == "h1" ? "nvt1g" : "nvt1h"));

    [Fact]
    public void Topology_NamesEachZoneAsItsHostsAgentDoes_AndListsNoBridgeOutOfSight()
    {
        Assert.Equal("h1", topology.E("w1/net0").Host);
        Assert.Equal(new LinuxNaming("nvt1g").ZoneNetns("w1"), topology.E("w1/net0").Netns);
        Assert.Equal(new LinuxNaming("nvt1h").ZoneNetns("w2"), topology.E("w2/net0").Netns);
        Assert.Equal(new LinuxNaming("nvt1h").VnicHostEnd("d1", "net0"), topology.E("d1/net0").HostEnd);
        Assert.Empty(topology.Bridges); // each host's bridges are in its own namespace
    }

    [Fact]
    public void Topology_WithoutHosts_HasNoHostAndOneNaming()
    {
        var single = AuditModels.Topology();
        Assert.All(single.Endpoints, e => Assert.Null(e.Host));
        Assert.NotEmpty(single.Bridges);
    }

    [Theory]
    [InlineData(ProbeKind.ArpBroadcast, "w1/net0", "w2/net0", Expectation.May, PathReason.AnsweredByHost)] // other host, same domain
    [InlineData(ProbeKind.ArpUnicast, "w1/net0", "w2/net0", Expectation.May, PathReason.AnsweredByHost)]
    [InlineData(ProbeKind.ArpBroadcast, "w1/net0", "w3/net0", Expectation.Must, PathReason.SameDomain)] // same host
    [InlineData(ProbeKind.ArpUnicast, "w1/net0", "w3/net0", Expectation.Must, PathReason.SameDomain)]
    [InlineData(ProbeKind.ArpBroadcast, "w2/net0", "g1/net0", Expectation.MustNot, PathReason.DifferentVlan)] // other tenant stays isolated
    [InlineData(ProbeKind.Icmpv4Echo, "w1/net0", "w2/net0", Expectation.Must, PathReason.SameDomain)] // unicast crosses over VXLAN
    [InlineData(ProbeKind.Udpv4, "w1/net0", "d1/net0", Expectation.Must, PathReason.Routed)] // routed by the anycast gateway
    [InlineData(ProbeKind.Icmpv4Echo, "w2/net0", "g1/net0", Expectation.MustNot, PathReason.DifferentRouters)]
    public void Expectations_AreTheModelsRules_ExceptNeighbourDiscoveryStaysOnItsHost(ProbeKind kind, string from, string to, Expectation expected, PathReason reason)
    {
        var plan = new ProbePlan(topology, 1);
        var probe = plan.Add(kind, topology.E(from).Index, topology.E(to).Index, (_, _) => 0);

        var path = plan.TargetExpectation(probe, topology.E(to));

        Assert.Equal((expected, reason), (path.Expectation, path.Reason));
        Assert.Equal(expected, plan.Expect(probe, topology.E(to).Index));
    }

    [Fact]
    public void Explain_NamesBothHosts()
    {
        var text = PathRules.Explain(new PathExpectation(Expectation.May, PathReason.AnsweredByHost), topology.E("w1/net0"), topology.E("w2/net0"));
        Assert.Equal("may cross: both on etherstub stub0, VLAN 100, but on hosts h1 and h2: ARP and neighbour solicitations are answered by the sending host from the model, and nothing is flooded between hosts", text);
    }
}
