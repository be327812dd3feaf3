using System.Net;
using NetVirt.Model.Addressing;
using NetVirt.Audit.Passive;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Verdicts;

namespace NetVirt.Tests.Audit.Passive;

public sealed class PassiveRulesTests
{
    private readonly NetVirt.Audit.Topology.AuditTopology topology = AuditModels.Topology();

    private static readonly ProbeTag Tag = new(1);

    private static byte[] Echo(MacAddress from, MacAddress to, string source, string destination)
    {
        var buffer = new byte[256];
        return buffer[..ProbeFrames.Echo(buffer, from, to, IPAddress.Parse(source), IPAddress.Parse(destination), Tag)];
    }

    [Fact]
    public void Check_OwnMacAndAddressLeaving_IsFine()
    {
        var w1 = topology.E("w1/net0");
        var rules = new PassiveRules(topology);

        Assert.Null(rules.Check(w1.Index, outbound: true, Echo(w1.Mac, topology.E("w2/net0").Mac, "10.1.0.11", "10.1.0.12")));
    }

    [Fact]
    public void Check_ForgedSourceMacLeaving_IsForeignSourceOfThatVnic()
    {
        var w1 = topology.E("w1/net0");
        var bad = new PassiveRules(topology).Check(w1.Index, outbound: true, Echo(Forgeries.Mac, MacAddress.Broadcast, "10.1.0.11", "10.1.0.255"));

        Assert.Equal((FindingKind.ForeignSource, w1.Index, "MAC 00:00:5e:00:53:01"), (bad!.Value.Kind, bad.Value.Sender, bad.Value.Source));
        Assert.Contains("own MAC 02:00:00:00:01:01", bad.Value.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AddressOutsideAllowedLeaving_IsForeignSource()
    {
        var w1 = topology.E("w1/net0");
        var bad = new PassiveRules(topology).Check(w1.Index, outbound: true, Echo(w1.Mac, MacAddress.Broadcast, "10.3.0.99", "10.3.0.255"));

        Assert.Equal("IPv4 10.3.0.99", bad!.Value.Source);
    }

    [Fact]
    public void Check_FrameFromAnotherVlansVnicArriving_IsLeakFromIt()
    {
        var w1 = topology.E("w1/net0");
        var g1 = topology.E("g1/net0");
        var bad = new PassiveRules(topology).Check(w1.Index, outbound: false, Echo(g1.Mac, w1.Mac, "10.3.0.11", "10.1.0.11"));

        Assert.Equal((FindingKind.Leak, g1.Index), (bad!.Value.Kind, bad.Value.Sender));
        Assert.Equal("isolated: etherstub stub0, VLAN 200 vs etherstub stub0, VLAN 100", bad.Value.Expected);
    }

    [Fact]
    public void Check_PeerSpoofingArriving_IsSpoofPassed()
    {
        var w1 = topology.E("w1/net0");
        var w3 = topology.E("w3/net0");
        var bad = new PassiveRules(topology).Check(w1.Index, outbound: false, Echo(w3.Mac, w1.Mac, "10.1.0.12", "10.1.0.11"));

        Assert.Equal((FindingKind.SpoofPassed, w3.Index, "IPv4 10.1.0.12"), (bad!.Value.Kind, bad.Value.Sender, bad.Value.Source));
    }

    [Fact]
    public void Check_RoutedFrameFromRouterMac_IsFine_ButUnknownHostInOwnSubnetIsNot()
    {
        var w1 = topology.E("w1/net0");
        var router = MacAddress.Parse("02:ee:00:00:00:01");
        var rules = new PassiveRules(topology);

        Assert.Null(rules.Check(w1.Index, outbound: false, Echo(router, w1.Mac, "10.2.0.11", "10.1.0.11")));
        Assert.Null(rules.Check(w1.Index, outbound: false, Echo(router, w1.Mac, "10.1.0.1", "10.1.0.11")));
        var bad = rules.Check(w1.Index, outbound: false, Echo(router, w1.Mac, "10.1.0.200", "10.1.0.11"));
        Assert.Equal((FindingKind.ForeignSource, -1), (bad!.Value.Kind, bad.Value.Sender));
    }
}
