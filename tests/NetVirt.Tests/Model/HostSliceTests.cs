using NetVirt.Model.Topology;
using NetVirt.Model.Validation;
using NetVirt.Store.DesiredState;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Model;

/// <summary>Hosts in the model: validation, placement, and what each host's slice carries.</summary>
public sealed class HostSliceTests
{
    private const string ThreeHosts =
        """
        version: 1
        hosts:
          - { name: h1, address: 172.31.255.1, labels: { rack: a } }
          - { name: h2, address: 172.31.255.2 }
          - { name: h3, address: 172.31.255.3 }
        etherstubs: [{ name: stub0 }]
        networks:
          - { name: a-front, tenant: acme, over: stub0, vlan: 100, ipv4: { subnet: 10.1.0.0/24, gateway: 10.1.0.1 } }
          - { name: a-back, tenant: acme, over: stub0, vlan: 101, ipv4: { subnet: 10.2.0.0/24, gateway: 10.2.0.1 } }
          - { name: g-net, tenant: globex, over: stub0, vlan: 200, ipv4: { subnet: 10.9.0.0/24, gateway: 10.9.0.1 } }
        zones:
          - { name: web1, host: h1, vnics: [{ name: net0, network: a-front, addresses: [{ tag: v4, address: 10.1.0.11 }] }] }
          - { name: web2, host: h2, vnics: [{ name: net0, network: a-front, addresses: [{ tag: v4, address: 10.1.0.12 }] }] }
          - { name: db1, host: h3, vnics: [{ name: net0, network: a-back, addresses: [{ tag: v4, address: 10.2.0.11 }] }] }
          - { name: g1, host: h3, vnics: [{ name: net0, network: g-net, mac: "02:08:20:00:09:01", addresses: [{ tag: v4, address: 10.9.0.11 }] }] }
        """;

    [Fact]
    public void Validate_HostsAndZoneHosts_ReportsEveryMistake()
    {
        var model = Models.Parse(
            """
            version: 1
            hosts:
              - { name: h1, address: 127.0.0.1 }
              - { name: h2, address: 172.31.255.2 }
              - { name: h2, address: 172.31.255.2 }
              - { name: h4, address: "fd00::4" }
            zones: [{ name: z1, host: h9 }]
            """);
        var codes = ModelValidator.Validate(model).Errors.Select(e => e.Code).ToList();
        Assert.Contains("host.address-invalid", codes);
        Assert.Contains("name.duplicate", codes);
        Assert.Contains("host.address-duplicate", codes);
        Assert.Contains("host.address-family", codes);
        Assert.Contains("zone.unknown-host", codes);
        Assert.Contains("zone.host-without-hosts", ModelValidator.Validate(Models.Parse("version: 1\nzones: [{ name: z1, host: h1 }]")).Errors.Select(e => e.Code));
    }

    [Fact]
    public void Placement_ZonesWithoutHost_GoToTheLeastLoadedHostAndStayThere()
    {
        var model = Models.Parse(ThreeHosts);
        var unplaced = model with { Zones = [.. model.Zones, .. Enumerable.Range(1, 4).Select(i => model.Zones[0] with { Name = $"x{i}", Host = null })] };
        var placed = Placement.Plan(unplaced, new Dictionary<string, string>());
        // h1, h2 carry one zone each and h3 two: x1 to h1 (tie with h2, by name), x2 to h2, x3 to h1, x4 to h2... then balanced.
        Assert.Equal(["h1", "h2", "h1", "h2"], new[] { "x1", "x2", "x3", "x4" }.Select(z => placed[z]));
        // Kept where it was while that host exists, whatever the load.
        var again = Placement.Plan(unplaced, new Dictionary<string, string> { ["x1"] = "h3" });
        Assert.Equal("h3", again["x1"]);
        Assert.Empty(Placement.Plan(unplaced with { Hosts = [] }, new Dictionary<string, string>()));
    }

    [Fact]
    public void Slice_CarriesItsZonesTheNetworksItRoutesToAndRemotePortsOnlyWhereItHasPorts()
    {
        var model = Models.Parse(ThreeHosts);
        var vnis = new Dictionary<L2Domain, int> { [new("stub0", 100)] = 1, [new("stub0", 101)] = 2, [new("stub0", 200)] = 3 };
        var resolved = model with { Zones = [.. model.Zones.Select((z, i) => z with { Vnics = [.. z.Vnics.Select(v => v with { Mac = v.Mac ?? new NetVirt.Model.Addressing.MacAddress(0x020820000000UL + (ulong)i + 1) })] })] };

        var h1 = HostSlice.For(resolved, vnis, "h1");
        Assert.Equal(["web1"], h1.Model.Zones.Select(z => z.Name));
        // acme's router on h1 routes to a-back too (distributed gateway): h1 carries both acme domains, not globex's.
        Assert.Equal(["a-front", "a-back"], h1.Model.Networks.Select(n => n.Name));
        Assert.Equal([1, 2], h1.Overlay.Select(o => o.Vni));
        var front = h1.Overlay.Single(o => o.Vni == 1);
        Assert.Equal(["web2"], front.Remote.Select(r => r.Zone));
        Assert.Equal("172.31.255.2", front.Remote[0].HostAddress.ToString());
        Assert.Equal(["10.1.0.12"], front.Remote[0].Addresses.Select(a => a.ToString()));
        Assert.Equal(["172.31.255.2", "172.31.255.3"], front.Peers.Select(p => p.ToString()));
        Assert.Equal(["db1"], h1.Overlay.Single(o => o.Vni == 2).Remote.Select(r => r.Zone));

        // globex's zone is on h3 alone: its domain is on no other host, so nobody else gets its MAC.
        Assert.DoesNotContain(HostSlice.For(resolved, vnis, "h1").Overlay.SelectMany(o => o.Remote), r => r.Zone == "g1");
        Assert.DoesNotContain(HostSlice.For(resolved, vnis, "h2").Overlay.SelectMany(o => o.Remote), r => r.Zone == "g1");
        Assert.Empty(HostSlice.For(resolved, vnis, "h3").Overlay.Single(o => o.Vni == 3).Remote);
        Assert.Throws<NetVirt.Model.Errors.UnknownObjectException>(() => HostSlice.For(resolved, vnis, "h9"));
    }
}
