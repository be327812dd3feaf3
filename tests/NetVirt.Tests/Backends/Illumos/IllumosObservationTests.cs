using NetVirt.Backends.Illumos;
using NetVirt.Backends.Illumos.Observation;
using NetVirt.Backends.Illumos.Parsing;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Planning.Resources;

namespace NetVirt.Tests.Backends.Illumos;

public sealed class IllumosObservationTests
{
    private static IllumosObserved SmartOs() => new()
    {
        Links = DladmParser.ParseShowLink(Fixture.Read("dladm-show-link.txt")),
        Vnics = DladmParser.ParseShowVnic(Fixture.Read("dladm-show-vnic-smartos.txt"), withZone: true),
        LinkProperties = DladmParser.ParseShowLinkProp(Fixture.Read("dladm-show-linkprop-smartos.txt"), DladmParser.SmartOsLinkProperties),
        Zones = ZoneadmParser.ParseList(Fixture.Read("zoneadm-list-smartos.txt")),
        IpStacks = new Dictionary<string, ZoneIpObserved>(StringComparer.Ordinal)
        {
            ["acme-web1"] = new(
                IpadmParser.ParseShowIf(Fixture.Read("ipadm-show-if.txt")),
                IpadmParser.ParseShowAddr(Fixture.Read("ipadm-show-addr.txt")),
                NetstatParser.ParseRoutes(Fixture.Read("netstat-rnv.txt"))),
        },
    };

    [Fact]
    public void Build_SmartOsFixtures_OwnsOnlyPrefixedObjects()
    {
        var state = IllumosObservation.Build(new IllumosNaming("nv", IllumosVariant.SmartOs), SmartOs());

        Assert.Equal(
        [
            "addrobj acme-web1/nv_net0/ll", "addrobj acme-web1/nv_net0/v4", "addrobj acme-web1/nv_net0/v6",
            "addrobj acme-web1/nv_net1/dhcp", "addrobj acme-web1/nv_net1/v4",
            "etherstub nv_mgmt0", "etherstub nv_stub0",
            "ip-if acme-web1/nv_net0", "ip-if acme-web1/nv_net1",
            "route acme-web1/0.0.0.0/0", "route acme-web1/10.50.0.0/16", "route acme-web1/2001:db8:aaaa:bbbb:cccc:dddd::/96", "route acme-web1/::/0",
            "vnic acme-web1/nv_net0", "vnic acme-web1/nv_net1", "vnic acme-web2/nv_net0", "vnic global/nv_gw_stub0_100",
        ], state.Resources.Where(r => r.Owned).Select(r => r.ToString()).Order(StringComparer.Ordinal));

        // Physical links, aggregations, a foreign etherstub and a prefixed link that is no etherstub are foreign.
        Assert.Equal(["aggr1", "e1000g0", "e1000g1", "e1000g5000", "nv_odd0", "stub0"],
            state.Resources.Where(r => r.Kind == IllumosKinds.Link).Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.All(state.Resources.Where(r => r.Kind == IllumosKinds.Link || r.Kind == IllumosKinds.Zone), r => Assert.False(r.Owned));
    }

    [Fact]
    public void Build_SmartOsFixtures_JoinsLinkPropertiesByLinkAndZoneAndNormalises()
    {
        var state = IllumosObservation.Build(new IllumosNaming("nv", IllumosVariant.SmartOs), SmartOs());

        var web1 = state.Find(new ResourceId("vnic", "acme-web1/nv_net0"))!;
        Assert.Equal(
            "allowed-ips=10.100.0.11/32,fd10:100::11/128,fe80::8:20ff:feaa:1/128, dynamic-methods=, mac=02:08:20:aa:00:01, maxbw=200M, mtu=1500, "
            + "over=nv_stub0, priority=high, protection=mac-nospoof,ip-nospoof, vlan=100",
            web1.Properties.ToString());
        Assert.Equal("acme-web1", web1.Zone);
        Assert.Equal([new ResourceId("etherstub", "nv_stub0"), new ResourceId("zone", "acme-web1")], web1.DependsOn);

        var web2 = state.Find(new ResourceId("vnic", "acme-web2/nv_net0"))!;
        Assert.Equal("9000", web2.Properties["mtu"]);
        Assert.Equal("medium", web2.Properties["priority"]);

        var mgmt = state.Find(new ResourceId("vnic", "acme-web1/nv_net1"))!;
        Assert.Equal("1200K", mgmt.Properties["maxbw"]);
        Assert.Equal("mac-nospoof,restricted,ip-nospoof,dhcp-nospoof", mgmt.Properties["protection"]);
        Assert.Equal("dhcpv4", mgmt.Properties["dynamic-methods"]);

        var leg = state.Find(new ResourceId("vnic", "global/nv_gw_stub0_100"))!;
        Assert.Null(leg.Zone);
        Assert.Equal("1500", state.Find(new ResourceId("etherstub", "nv_mgmt0"))!.Properties["mtu"]);
    }

    [Fact]
    public void Build_SmartOsFixtures_IpObjectsAndRoutesOnNetVirtInterfacesOnly()
    {
        var state = IllumosObservation.Build(new IllumosNaming("nv", IllumosVariant.SmartOs), SmartOs());

        var v6 = state.Find(new ResourceId("addrobj", "acme-web1/nv_net0/v6"))!;
        Assert.Equal("addr=fd10:100::11/64, type=static", v6.Properties.ToString());
        Assert.Equal([new ResourceId("ip-if", "acme-web1/nv_net0")], v6.DependsOn);
        Assert.Equal("", state.Find(new ResourceId("addrobj", "acme-web1/nv_net1/dhcp"))!.Properties["addr"]);

        // Routes via a NetVirt address's subnet are NetVirt's; 172.16.0.0/16 via net9 is the zone administrator's, and a
        // link-local next hop counts only with a NetVirt device named (fd99::/64 is on net9, fd98::/64 names no device).
        var defaultRoute = state.Find(new ResourceId("route", "acme-web1/0.0.0.0/0"))!;
        Assert.Equal("10.100.0.1", defaultRoute.Properties["gateway"]);
        Assert.Equal([new ResourceId("ip-if", "acme-web1/nv_net0"), new ResourceId("addrobj", "acme-web1/nv_net0/v4")], defaultRoute.DependsOn);
        Assert.Equal("fd10:100::1", state.Find(new ResourceId("route", "acme-web1/::/0"))!.Properties["gateway"]);
        Assert.Null(state.Find(new ResourceId("route", "acme-web1/172.16.0.0/16")));
        Assert.Null(state.Find(new ResourceId("route", "acme-web1/fd99::/64")));
        Assert.Null(state.Find(new ResourceId("route", "acme-web1/fd98::/64")));
        Assert.Equal("fe80::1", state.Find(new ResourceId("route", "acme-web1/2001:db8:aaaa:bbbb:cccc:dddd::/96"))!.Properties["gateway"]);
    }

    [Fact]
    public void Build_IllumosFixtures_TakesTheZoneFromTheLinkProperty()
    {
        var observed = new IllumosObserved
        {
            Links = DladmParser.ParseShowLink(Fixture.Read("dladm-show-link.txt")),
            Vnics = DladmParser.ParseShowVnic(Fixture.Read("dladm-show-vnic-illumos.txt"), withZone: false),
            LinkProperties = DladmParser.ParseShowLinkProp(Fixture.Read("dladm-show-linkprop-illumos.txt"), DladmParser.LinkProperties),
            Zones = ZoneadmParser.ParseList(Fixture.Read("zoneadm-list-illumos.txt")),
        };
        var naming = new IllumosNaming("nv", IllumosVariant.Illumos);

        var state = IllumosObservation.Build(naming, observed);

        Assert.Equal(["acme-web1/nv_acme_web1_net0", "acme-web1/nv_acme_web1_net1", "global/nv_acme_web2_net0", "global/nv_gw_stub0_100"],
            state.Resources.Where(r => r.Kind == IllumosKinds.Vnic).Select(r => r.Name).Order(StringComparer.Ordinal));
        var net1 = state.Find(new ResourceId("vnic", "acme-web1/nv_acme_web1_net1"))!;
        Assert.Equal("2500M", net1.Properties["maxbw"]);
        Assert.Equal("low", net1.Properties["priority"]);
        Assert.Equal("mac-nospoof,ip-nospoof", net1.Properties["protection"]);
        Assert.Equal("192.168.50.11/32", net1.Properties["allowed-ips"]);
        Assert.Null(net1.Properties["dynamic-methods"]);
        Assert.Equal("installed", state.Find(new ResourceId("zone", "acme-web2"))!.Properties["state"]);

        // Only running zones that hold NetVirt links are worth a zlogin.
        Assert.Equal(["acme-web1"], IllumosObservation.ZonesToInspect(naming, observed));
    }

    [Fact]
    public void Build_UnreadableProperty_KeepsQuestionMark()
    {
        var observed = new IllumosObserved
        {
            Vnics = [new VnicObserved("nv_x0", "e1000g0", "2:8:20:0:0:9", 0, "global")],
            LinkProperties = DladmParser.ParseShowLinkProp("nv_x0:zone:\nnv_x0:mtu:1500\nnv_x0:maxbw:?\nnv_x0:priority:high\nnv_x0:protection:\nnv_x0:allowed-ips:\nnv_x0:dynamic-methods:\n", DladmParser.SmartOsLinkProperties),
        };

        var state = IllumosObservation.Build(new IllumosNaming("nv", IllumosVariant.SmartOs), observed);

        Assert.Equal("?", state.Find(new ResourceId("vnic", "global/nv_x0"))!.Properties["maxbw"]);
    }

    [Fact]
    public void Build_TestPrefix_DoesNotClaimProductObjects()
    {
        var state = IllumosObservation.Build(new IllumosNaming("nvt1a2", IllumosVariant.SmartOs), SmartOs());

        Assert.DoesNotContain(state.Resources, r => r.Owned);
    }
}
