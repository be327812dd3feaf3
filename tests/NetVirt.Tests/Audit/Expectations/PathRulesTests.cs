using System.Net.Sockets;
using NetVirt.Audit.Expectations;

namespace NetVirt.Tests.Audit.Expectations;

public sealed class PathRulesTests
{
    private readonly NetVirt.Audit.Topology.AuditTopology topology = AuditModels.Topology();

    [Fact]
    public void Layer2_SameNetwork_ReachableWithDomainInWords()
    {
        var path = PathRules.Layer2(topology.E("w1/net0"), topology.E("w2/net0"));

        Assert.Equal(new PathExpectation(Expectation.Must, PathReason.SameDomain), path);
        Assert.Equal("reachable: both on etherstub stub0, VLAN 100", PathRules.Explain(path, topology.E("w1/net0"), topology.E("w2/net0")));
    }

    [Fact]
    public void Layer2_OtherVlanSameEtherstub_IsolatedNamingBothVlans()
    {
        var path = PathRules.Layer2(topology.E("w1/net0"), topology.E("g1/net0"));

        Assert.Equal(Expectation.MustNot, path.Expectation);
        Assert.Equal("isolated: VLAN 100 vs 200 on etherstub stub0", PathRules.Explain(path, topology.E("w1/net0"), topology.E("g1/net0")));
    }

    [Fact]
    public void Layer2_OtherEtherstub_IsolatedAsSeparateSwitches()
    {
        var path = PathRules.Layer2(topology.E("w1/net0"), topology.E("d1/net1"));

        Assert.Equal(PathReason.DifferentSwitch, path.Reason);
        Assert.Contains("etherstub mgmt0, untagged: separate switches", PathRules.Explain(path, topology.E("w1/net0"), topology.E("d1/net1")), StringComparison.Ordinal);
    }

    [Fact]
    public void Layer3_SameTenantBothGateways_RoutedViaSourceGateway()
    {
        var path = PathRules.Layer3(topology.E("w1/net0"), topology.E("d1/net0"), AddressFamily.InterNetwork);

        Assert.Equal(new PathExpectation(Expectation.Must, PathReason.Routed), path);
        Assert.Equal("reachable: routed by router acme via 10.1.0.1 from network web to db", PathRules.Explain(path, topology.E("w1/net0"), topology.E("d1/net0"), AddressFamily.InterNetwork));
        Assert.True(PathRules.ViaGateway(topology.E("w1/net0"), topology.E("d1/net0"), AddressFamily.InterNetwork));
    }

    [Fact]
    public void Layer3_TargetNetworkLacksGatewayOfFamily_Isolated()
    {
        var path = PathRules.Layer3(topology.E("w1/net0"), topology.E("d1/net0"), AddressFamily.InterNetworkV6);

        Assert.Equal(new PathExpectation(Expectation.MustNot, PathReason.NoTargetGateway), path);
        Assert.Contains("db has no IPv6 gateway", PathRules.Explain(path, topology.E("w1/net0"), topology.E("d1/net0"), AddressFamily.InterNetworkV6), StringComparison.Ordinal);
    }

    [Fact]
    public void Layer3_OtherTenant_IsolatedNamingBothRouters()
    {
        var path = PathRules.Layer3(topology.E("w1/net0"), topology.E("g1/net0"), AddressFamily.InterNetwork);

        Assert.Equal(PathReason.DifferentRouters, path.Reason);
        Assert.Equal(
            "isolated: VLAN 100 vs 200 on etherstub stub0, and router acme vs router globex: nothing routes between them",
            PathRules.Explain(path, topology.E("w1/net0"), topology.E("g1/net0"), AddressFamily.InterNetwork));
    }

    [Fact]
    public void Layer3_SourceWithoutGateway_Isolated()
    {
        var path = PathRules.Layer3(topology.E("d1/net1"), topology.E("w1/net0"), AddressFamily.InterNetwork);

        Assert.Equal(PathReason.NoSourceGateway, path.Reason);
        Assert.False(PathRules.ViaGateway(topology.E("d1/net1"), topology.E("w1/net0"), AddressFamily.InterNetwork));
    }

    [Fact]
    public void Layer3_ZoneWithoutRoutes_RoutableButNotRequired()
    {
        var path = PathRules.Layer3(topology.E("w3/net0"), topology.E("d1/net0"), AddressFamily.InterNetwork);

        Assert.Equal(new PathExpectation(Expectation.May, PathReason.RoutableNotRouted), path);
        Assert.Contains("zone w3 has no route to 10.2.0.11 via 10.1.0.1", PathRules.Explain(path, topology.E("w3/net0"), topology.E("d1/net0"), AddressFamily.InterNetwork), StringComparison.Ordinal);
    }

    [Fact]
    public void Layer3_NoAddressOfFamily_NotApplicable()
    {
        var path = PathRules.Layer3(topology.E("w1/net0"), topology.E("g1/net0"), AddressFamily.InterNetworkV6);

        Assert.Equal(Expectation.NotApplicable, path.Expectation);
        Assert.Equal("not probed: g1/net0 has no IPv6 address", PathRules.Explain(path, topology.E("w1/net0"), topology.E("g1/net0"), AddressFamily.InterNetworkV6));
    }
}
