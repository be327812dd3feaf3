using System.Net;
using NetVirt.Backends.Illumos;
using NetVirt.Backends.Illumos.Rendering;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Planning.Resources;

namespace NetVirt.Tests.Backends.Illumos;

public sealed class IllumosRendererTests
{
    private static readonly IllumosNaming SmartOs = new("nv", IllumosVariant.SmartOs);
    private static readonly IllumosNaming Upstream = new("nv", IllumosVariant.Illumos);

    private static NetworkModel Small(params VnicSpec[] vnics) => new()
    {
        Etherstubs = [new EtherstubSpec { Name = "stub0" }],
        Links = [new LinkSpec { Name = "e1000g0" }],
        Networks =
        [
            new NetworkSpec { Name = "web", Over = "stub0", Vlan = 100, Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("10.0.0.0/24"), Gateway = IPAddress.Parse("10.0.0.1") } },
            new NetworkSpec { Name = "uplink", Over = "e1000g0", Vlan = 12, Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("192.0.2.0/24"), Gateway = IPAddress.Parse("192.0.2.1") } },
        ],
        Zones = [new ZoneSpec { Name = "web1", Vnics = [.. vnics] }],
    };

    private static VnicSpec Vnic(string name = "net0", string network = "web", params AddressSpec[] addresses) => new()
    {
        Name = name,
        Network = network,
        Mac = MacAddress.Parse("2:8:20:0:0:1"),
        Addresses = [.. addresses],
    };

    private static AddressSpec Static(string tag, string address) => new() { Tag = tag, Address = IPAddress.Parse(address) };

    [Fact]
    public void Render_Sample_IsDeterministicAndProblemFree()
    {
        var a = IllumosRenderer.Render(IllumosSampleModel.Build(), SmartOs);
        var b = IllumosRenderer.Render(IllumosSampleModel.Build(), SmartOs);

        Assert.Empty(a.Problems);
        Assert.Equal(a.Desired.Resources, b.Desired.Resources);
        var model = IllumosSampleModel.Build();
        Assert.Equal(model.Zones.Count, a.Desired.Resources.Count(r => r.Kind == IllumosKinds.Zone));
        Assert.All(a.Desired.Resources.Where(r => r.Kind == IllumosKinds.Zone), z => Assert.False(z.Owned));
        Assert.Equal(["nv_mgmt0", "nv_stub0"], a.Desired.Resources.Where(r => r.Kind == IllumosKinds.Etherstub).Select(r => r.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Render_ZoneVnic_CarriesNormalisedPropertiesAndDependencies()
    {
        var vnic = Vnic(addresses: [Static("v4", "10.0.0.5")]) with { MaxBandwidth = 1_200_000, Priority = Priority.Low };
        var desired = IllumosRenderer.Render(Small(vnic), SmartOs).Desired;

        var r = desired.Find(new ResourceId("vnic", "web1/nv_net0"))!;
        Assert.Equal("allowed-ips=10.0.0.5/32, dynamic-methods=, mac=02:08:20:00:00:01, maxbw=1200K, mtu=1500, over=nv_stub0, priority=low, protection=mac-nospoof,ip-nospoof, vlan=100",
            r.Properties.ToString());
        Assert.Equal("web1", r.Zone);
        Assert.Equal([new ResourceId("etherstub", "nv_stub0"), new ResourceId("zone", "web1")], r.DependsOn);
        Assert.Equal([("mtu", "1500"), ("maxbw", "1200K"), ("priority", "low"), ("protection", "mac-nospoof,ip-nospoof"), ("allowed-ips", "10.0.0.5/32")],
            IllumosRenderer.CreateProperties(r));
    }

    [Fact]
    public void Render_Upstream_NamesAreHostWideAndHaveNoDynamicMethods()
    {
        var desired = IllumosRenderer.Render(Small(Vnic(addresses: [Static("v4", "10.0.0.5")])), Upstream).Desired;

        var r = desired.Find(new ResourceId("vnic", "web1/nv_web1_net0"))!;
        Assert.Null(r.Properties["dynamic-methods"]);
        Assert.NotNull(desired.Find(new ResourceId("addrobj", "web1/nv_web1_net0/v4")));
    }

    [Fact]
    public void Render_ProtectionWithoutIpNospoof_HasNoAllowedIps()
    {
        var vnic = Vnic(addresses: [Static("v4", "10.0.0.5")]) with { Protection = Protection.MacNospoof };

        var r = IllumosRenderer.Render(Small(vnic), SmartOs).Desired.Find(new ResourceId("vnic", "web1/nv_net0"))!;

        Assert.Equal("", r.Properties["allowed-ips"]);
        Assert.Equal("mac-nospoof", r.Properties["protection"]);
    }

    [Fact]
    public void Render_DhcpUnderIpNospoofOnSmartOs_KeepsDhcpLearningOn()
    {
        var vnic = Vnic(addresses: [new AddressSpec { Tag = "v4", Type = AddressType.Dhcp }]);

        var result = IllumosRenderer.Render(Small(vnic), SmartOs);

        Assert.Equal("dhcpv4", result.Desired.Find(new ResourceId("vnic", "web1/nv_net0"))!.Properties["dynamic-methods"]);
        Assert.Equal("type=dhcp", result.Desired.Find(new ResourceId("addrobj", "web1/nv_net0/v4"))!.Properties.ToString());

        // The default route via 10.0.0.1 comes with the DHCP lease: NetVirt does not add it.
        Assert.DoesNotContain(result.Desired.Resources, r => r.Kind == IllumosKinds.Route);
    }

    [Fact]
    public void Render_StaticIpv6WithoutAddrconf_AddsALinkLocalObject()
    {
        var model = Small(Vnic(addresses: [Static("v6", "fd00::5")]) with { Network = null, Over = "stub0", Vlan = 7 });
        model = model with { Zones = [model.Zones[0] with { Vnics = [model.Zones[0].Vnics[0] with { Addresses = [Static("v6", "fd00::5") with { PrefixLength = 64 }] }] }] };

        var desired = IllumosRenderer.Render(model, SmartOs).Desired;

        Assert.Equal("type=addrconf", desired.Find(new ResourceId("addrobj", "web1/nv_net0/ll"))!.Properties.ToString());
        Assert.Equal("addr=fd00::5/64, type=static", desired.Find(new ResourceId("addrobj", "web1/nv_net0/v6"))!.Properties.ToString());
    }

    [Fact]
    public void Render_LinkLocalTagTaken_IsAProblem()
    {
        var vnic = Vnic(addresses: [Static("ll", "10.0.0.5")]) with { Network = null, Over = "stub0", Vlan = 7 };
        vnic = vnic with { Addresses = [Static("ll", "10.0.0.5") with { PrefixLength = 24 }, Static("v6", "fd00::5") with { PrefixLength = 64 }] };

        var problem = Assert.Single(IllumosRenderer.Render(Small(vnic), SmartOs).Problems);
        Assert.Contains("NetVirt tags 'll'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_GatewayLeg_OnlyForEtherstubNetworksWithGateways()
    {
        var desired = IllumosRenderer.Render(Small(Vnic(addresses: [Static("v4", "10.0.0.5")]), Vnic("net1", "uplink", Static("v4", "192.0.2.5")) with { Mac = MacAddress.Parse("2:8:20:0:0:2") }), SmartOs).Desired;

        var leg = desired.Find(new ResourceId("vnic", "global/nv_gw_stub0_100"))!;
        Assert.Equal("mtu=1500, over=nv_stub0, vlan=100", leg.Properties.ToString());
        Assert.Null(leg.Zone);
        Assert.Equal("addr=10.0.0.1/24, type=static", desired.Find(new ResourceId("addrobj", "global/nv_gw_stub0_100/web4"))!.Properties.ToString());

        // The uplink's gateway is a router on the physical network: no leg; the link itself is a foreign requirement.
        Assert.DoesNotContain(desired.Resources, r => r.Name.Contains("e1000g0_", StringComparison.Ordinal));
        var link = desired.Find(new ResourceId("link", "e1000g0"))!;
        Assert.False(link.Owned);
        Assert.Equal("over=e1000g0, vlan=12", string.Join(", ", desired.Find(new ResourceId("vnic", "web1/nv_net1"))!.Properties.Where(p => p.Key is "over" or "vlan").Select(p => $"{p.Key}={p.Value}")));
        Assert.Equal("10.0.0.1", desired.Find(new ResourceId("route", "web1/0.0.0.0/0"))!.Properties["gateway"]);
    }

    [Fact]
    public void Render_GatewayTagsThatCollide_IsAProblem()
    {
        var model = Small() with
        {
            Networks =
            [
                new NetworkSpec { Name = "a-b", Over = "stub0", Vlan = 5, Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("10.1.0.0/24"), Gateway = IPAddress.Parse("10.1.0.1") } },
                new NetworkSpec { Name = "ab", Over = "stub0", Vlan = 5, Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("10.2.0.0/24"), Gateway = IPAddress.Parse("10.2.0.1") } },
            ],
            Zones = [],
        };

        var problem = Assert.Single(IllumosRenderer.Render(model, SmartOs).Problems);
        Assert.Equal("gateway 10.2.0.1 of network ab: address object tag 'ab4' is also derived from network a-b; rename one network", problem.ToString());
    }

    [Fact]
    public void Render_UpstreamNameTooLong_IsAProblemNamingThePrefix()
    {
        var model = Small(Vnic(addresses: [Static("v4", "10.0.0.5")])) with { Zones = [new ZoneSpec { Name = "tenant-acme-production-web-01", Vnics = [Vnic(addresses: [Static("v4", "10.0.0.5")])] }] };

        var problems = IllumosRenderer.Render(model, Upstream).Problems;

        var problem = Assert.Single(problems);
        Assert.Equal("zone tenant-acme-production-web-01 vnic net0", problem.Subject);
        Assert.Contains("'nv_tenant_acme_production_web_01_net0' is 37 characters long", problem.Message, StringComparison.Ordinal);
        Assert.Empty(IllumosRenderer.Render(model, SmartOs).Problems);
    }

    [Fact]
    public void Render_UpstreamZoneNamesThatMeet_IsAProblem()
    {
        var model = Small() with
        {
            Zones =
            [
                new ZoneSpec { Name = "web-1", Vnics = [Vnic()] },
                new ZoneSpec { Name = "web.1", Vnics = [Vnic() with { Mac = MacAddress.Parse("2:8:20:0:0:9") }] },
            ],
        };

        // SmartOS keys links by (zone, name): both zones may have nv_net0. Upstream names are host-wide.
        Assert.Empty(IllumosRenderer.Render(model, SmartOs).Problems);
        var problem = Assert.Single(IllumosRenderer.Render(model, Upstream).Problems);
        Assert.Equal("zone web.1 vnic net0: host link name 'nv_web_1_net0' is also the name of zone web-1 vnic net0", problem.ToString());
    }

    [Fact]
    public void Render_SmartOsZoneVnicNamedLikeAGlobalLink_IsAProblem()
    {
        // A zone VNIC is created in the global zone's namespace before it moves into its zone.
        var model = Small(Vnic("gw_stub0_100", addresses: [Static("v4", "10.0.0.5")]));

        var problem = Assert.Single(IllumosRenderer.Render(model, SmartOs).Problems);
        Assert.Equal("zone web1 vnic gw_stub0_100: host link name 'nv_gw_stub0_100' is also the name of gateway leg for stub0 VLAN 100", problem.ToString());
    }

    [Fact]
    public void Render_UnresolvedModel_ReportsEachGap()
    {
        var model = Small(
            Vnic("net0", "web", new AddressSpec { Tag = "v4" }),
            Vnic("net1") with { Mac = null },
            Vnic("net2") with { Network = null, Pool = "somewhere" });

        var problems = IllumosRenderer.Render(model, SmartOs).Problems.Select(p => p.ToString()).ToList();

        Assert.Equal(
        [
            "zone web1 vnic net0 address v4: has no address yet (auto addresses need IPAM before rendering)",
            "zone web1 vnic net1: has no MAC yet (mac: auto needs allocation before rendering)",
            "zone web1 vnic net2: is not resolved to a network (pool VNICs need IPAM to choose one before rendering)",
        ], problems);
    }

    [Fact]
    public void Render_TooManyAllowedIps_IsAProblem()
    {
        var vnic = Vnic(addresses: [Static("v4", "10.0.0.5")]) with
        {
            AllowedIps = Enumerable.Range(1, 33).Select(i => IPNetwork.Parse($"10.9.{i}.0/24")).ToEquatableArray(),
        };

        var problem = Assert.Single(IllumosRenderer.Render(Small(vnic), SmartOs).Problems);
        Assert.Equal("zone web1 vnic net0: needs 33 allowed-ips entries; dladm takes at most 32", problem.ToString());
    }

    [Fact]
    public void Render_ZoneRequirement_IsRunningWithExclusiveIp()
    {
        var zone = IllumosRenderer.Render(Small(Vnic()), SmartOs).Desired.Find(new ResourceId("zone", "web1"))!;

        Assert.False(zone.Owned);
        Assert.Equal("ip-type=excl, state=running", zone.Properties.ToString());
    }

    [Fact]
    public void GatewayTag_NetworkNames_BecomeValidTags()
    {
        Assert.Equal("acme4", IllumosRenderer.GatewayTag("acme", System.Net.Sockets.AddressFamily.InterNetwork));
        Assert.Equal("n10net6", IllumosRenderer.GatewayTag("10-net", System.Net.Sockets.AddressFamily.InterNetworkV6));
    }
}
