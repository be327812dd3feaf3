using System.Net;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Model;

/// <summary>
/// Every validation rule, valid and invalid side by side: each row mutates a valid base model and says which error
/// code (and where) it must produce, or that it must produce none.
/// </summary>
public sealed class ModelValidatorTests
{
    private static readonly NetworkModel Base = Models.Parse("""
        etherstubs:
          - name: stub0
          - name: mgmt0
            mtu: 1500
        links:
          - name: e1000g0
        networks:
          - name: acme
            tenant: acme
            over: stub0
            vlan: 100
            ipv4:
              subnet: 10.1.0.0/24
              gateway: 10.1.0.1
              range: { start: 10.1.0.10, end: 10.1.0.200 }
            ipv6:
              subnet: fd00:1::/64
              gateway: fd00:1::1
            reserved:
              - address: 10.1.0.5
                note: vip
          - name: globex
            over: stub0
            vlan: 200
            ipv4:
              subnet: 10.1.0.0/24
        pools:
          - name: p1
            networks: [acme, globex]
        zones:
          - name: web1
            vnics:
              - name: net0
                network: acme
                mac: 2:8:20:0:0:1
                maxbw: 100M
                addresses:
                  - tag: v4
                    address: 10.1.0.20
                  - tag: v6
                    address: auto
                    family: ipv6
          - name: web2
            vnics:
              - name: net0
                network: acme
                addresses:
                  - tag: v4
                    address: auto
                    family: ipv4
        """);

    public static TheoryData<string, Func<NetworkModel, NetworkModel>, string?, string?> Cases => new()
    {
        { "base model is valid", m => m, null, null },

        // dladm link names
        { "link name ok", m => Stub(m, 1, s => s with { Name = "sw_10" }), null, null },
        { "link name ends without number", m => Stub(m, 1, s => s with { Name = "stub" }), "name.invalid-link-name", "etherstubs[1].name" },
        { "link name leading zero number", m => Stub(m, 1, s => s with { Name = "stub01" }), "name.invalid-link-name", "etherstubs[1].name" },
        { "link name starts with digit", m => Stub(m, 1, s => s with { Name = "0stub1" }), "name.invalid-link-name", "etherstubs[1].name" },
        { "link name with dash", m => Stub(m, 1, s => s with { Name = "st-ub1" }), "name.invalid-link-name", "etherstubs[1].name" },
        { "link name 31 chars ok", m => Stub(m, 1, s => s with { Name = new string('a', 30) + "1" }), null, null },
        { "link name 32 chars", m => Stub(m, 1, s => s with { Name = new string('a', 31) + "1" }), "name.invalid-link-name", "etherstubs[1].name" },

        // Linux interface names (15) for VNICs
        { "vnic name 15 chars ok", m => Vnic(m, 0, 0, v => v with { Name = "abcdefghijklmn0" }), null, null },
        { "vnic name 16 chars on linux", m => Vnic(m, 0, 0, v => v with { Name = "abcdefghijklmno0" }), "name.invalid-linux-name", "zones[0].vnics[0].name" },

        // address object tags
        { "tag ok", m => Addr(m, 0, 0, 0, a => a with { Tag = "lan4" }), null, null },
        { "tag with underscore", m => Addr(m, 0, 0, 0, a => a with { Tag = "v_4" }), "addrobj.invalid-tag", "zones[0].vnics[0].addresses[0].tag" },
        { "tag starting with digit", m => Addr(m, 0, 0, 0, a => a with { Tag = "4v" }), "addrobj.invalid-tag", "zones[0].vnics[0].addresses[0].tag" },
        { "duplicate tag", m => Addr(m, 0, 0, 1, a => a with { Tag = "v4" }), "addrobj.duplicate-tag", "zones[0].vnics[0].addresses[1].tag" },

        // VLAN ids
        { "vlan 4094 ok", m => Net(m, 0, n => n with { Vlan = 4094 }), null, null },
        { "vlan 4095", m => Net(m, 0, n => n with { Vlan = 4095 }), "vlan.out-of-range", "networks[0].vlan" },
        { "vlan negative", m => Net(m, 0, n => n with { Vlan = -1 }), "vlan.out-of-range", "networks[0].vlan" },

        // MACs
        { "mac unicast ok", m => Vnic(m, 0, 0, v => v with { Mac = MacAddress.Parse("02:00:00:00:00:09") }), null, null },
        { "mac multicast", m => Vnic(m, 0, 0, v => v with { Mac = MacAddress.Parse("01:00:5e:00:00:01") }), "mac.multicast", "zones[0].vnics[0].mac" },
        { "mac zero", m => Vnic(m, 0, 0, v => v with { Mac = new MacAddress(0) }), "mac.zero", "zones[0].vnics[0].mac" },
        { "mac duplicate", m => Vnic(m, 1, 0, v => v with { Mac = MacAddress.Parse("2:8:20:0:0:1") }), "mac.duplicate", "zones[1].vnics[0].mac" },

        // gateways
        { "gateway inside subnet ok", m => Net(m, 0, n => n with { Ipv4 = n.Ipv4! with { Gateway = Models.Ip("10.1.0.254") } }), null, null },
        { "gateway outside subnet", m => Net(m, 0, n => n with { Ipv4 = n.Ipv4! with { Gateway = Models.Ip("10.2.0.1") } }), "gateway.outside-subnet", "networks[0].ipv4.gateway" },
        { "gateway network address", m => Net(m, 0, n => n with { Ipv4 = n.Ipv4! with { Gateway = Models.Ip("10.1.0.0") } }), "gateway.network-address", "networks[0].ipv4.gateway" },
        { "gateway broadcast address", m => Net(m, 0, n => n with { Ipv4 = n.Ipv4! with { Gateway = Models.Ip("10.1.0.255") } }), "gateway.broadcast-address", "networks[0].ipv4.gateway" },
        { "gateway of wrong family", m => Net(m, 0, n => n with { Ipv6 = n.Ipv6! with { Gateway = Models.Ip("10.1.0.1") } }), "gateway.outside-subnet", "networks[0].ipv6.gateway" },

        // ranges and subnets
        { "range inverted", m => Net(m, 0, n => n with { Ipv4 = n.Ipv4! with { RangeStart = Models.Ip("10.1.0.200"), RangeEnd = Models.Ip("10.1.0.10") } }), "range.inverted", "networks[0].ipv4.range" },
        { "range outside subnet", m => Net(m, 0, n => n with { Ipv4 = n.Ipv4! with { RangeEnd = Models.Ip("10.1.1.10") } }), "range.outside-subnet", "networks[0].ipv4.range.end" },
        { "ipv4 block with ipv6 subnet", m => Net(m, 1, n => n with { Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("fd00:9::/64") } }), "subnet.wrong-family", "networks[1].ipv4.subnet" },
        { "reservation outside subnet", m => Net(m, 0, n => n with { Reserved = [new ReservationSpec { First = Models.Ip("10.9.0.1"), Last = Models.Ip("10.9.0.1") }] }), "reservation.outside-subnet", "networks[0].reserved[0]" },

        // explicit addresses
        { "address inside subnet ok", m => Addr(m, 0, 0, 0, a => a with { Address = Models.Ip("10.1.0.21") }), null, null },
        { "address outside subnet", m => Addr(m, 0, 0, 0, a => a with { Address = Models.Ip("10.2.0.21") }), "address.outside-subnet", "zones[0].vnics[0].addresses[0].address" },
        { "address is network address", m => Addr(m, 0, 0, 0, a => a with { Address = Models.Ip("10.1.0.0") }), "address.network-address", "zones[0].vnics[0].addresses[0].address" },
        { "address is broadcast", m => Addr(m, 0, 0, 0, a => a with { Address = Models.Ip("10.1.0.255") }), "address.broadcast-address", "zones[0].vnics[0].addresses[0].address" },
        { "address is gateway", m => Addr(m, 0, 0, 0, a => a with { Address = Models.Ip("10.1.0.1") }), "address.is-gateway", "zones[0].vnics[0].addresses[0].address" },
        { "address is reserved", m => Addr(m, 0, 0, 0, a => a with { Address = Models.Ip("10.1.0.5") }), "address.reserved", "zones[0].vnics[0].addresses[0].address" },
        { "address prefix mismatch", m => Addr(m, 0, 0, 0, a => a with { PrefixLength = 16 }), "address.prefix-mismatch", "zones[0].vnics[0].addresses[0].address" },
        { "address prefix matches", m => Addr(m, 0, 0, 0, a => a with { PrefixLength = 24 }), null, null },
        { "address duplicate in L2 domain", m => Addr(m, 1, 0, 0, a => a with { Address = Models.Ip("10.1.0.20"), Family = null }), "address.duplicate", "zones[1].vnics[0].addresses[0].address" },
        { "same address in another VLAN ok", m => Vnic(m, 1, 0, v => v with { Network = "globex", Addresses = [new AddressSpec { Tag = "v4", Address = Models.Ip("10.1.0.20") }] }), null, null },
        { "auto on dual stack needs family", m => Addr(m, 0, 0, 1, a => a with { Family = null }), "address.family-required", "zones[0].vnics[0].addresses[1].family" },
        { "auto without network", m => Vnic(m, 1, 0, v => v with { Network = null, Over = "stub0", Vlan = 5 }), "address.auto-needs-network", "zones[1].vnics[0].addresses[0].address" },
        { "addrconf ok", m => Addr(m, 0, 0, 1, a => a with { Type = AddressType.Addrconf, Family = null }), null, null },
        { "addrconf with address", m => Addr(m, 0, 0, 1, a => a with { Type = AddressType.Addrconf, Address = Models.Ip("fd00:1::5") }), "address.addrconf-v6-only", "zones[0].vnics[0].addresses[1].type" },
        { "dhcp on linux", m => Addr(m, 1, 0, 0, a => a with { Type = AddressType.Dhcp, Family = null }), "address.dhcp-unsupported", "zones[1].vnics[0].addresses[0].type" },

        // references
        { "network over unknown lower", m => Net(m, 0, n => n with { Over = "stub9" }), "ref.unknown-lower", "networks[0].over" },
        { "network over link ok", m => Net(m, 1, n => n with { Over = "e1000g0" }), null, null },
        { "vnic on unknown network", m => Vnic(m, 0, 0, v => v with { Network = "nope" }), "ref.unknown-network", "zones[0].vnics[0].network" },
        { "vnic with network and pool", m => Vnic(m, 0, 0, v => v with { Pool = "p1" }), "vnic.placement", "zones[0].vnics[0]" },
        { "vnic on unknown pool", m => Vnic(m, 1, 0, v => v with { Network = null, Pool = "p9" }), "ref.unknown-pool", "zones[1].vnics[0].pool" },
        { "pool with unknown network", m => m with { Pools = [new PoolSpec { Name = "p1", Networks = ["acme", "ghost"] }] }, "ref.unknown-network", "pools[0].networks[1]" },
        { "vlan with network", m => Vnic(m, 0, 0, v => v with { Vlan = 100 }), "vnic.vlan-without-over", "zones[0].vnics[0].vlan" },

        // overlapping subnets in one L2 domain
        { "same subnet in other VLAN ok", m => m, null, null },
        { "overlap in same domain", m => Net(m, 1, n => n with { Vlan = 100, Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("10.1.0.128/25") } }), "subnet.overlap", "networks[1].ipv4.subnet" },

        // MTU
        { "mtu 9000 ok", m => Stub(m, 0, s => s with { Mtu = 9000 }), null, null },
        { "mtu too small", m => Stub(m, 0, s => s with { Mtu = 500 }), "mtu.out-of-range", "etherstubs[0].mtu" },
        { "mtu too large", m => Net(m, 0, n => n with { Mtu = 9216 }), "mtu.out-of-range", "networks[0].mtu" },
        { "network mtu above etherstub", m => Net(m, 0, n => n with { Over = "mgmt0", Mtu = 9000 }), "mtu.exceeds-parent", "networks[0].mtu" },
        { "vnic mtu above network", m => Vnic(m, 0, 0, v => v with { Mtu = 9000 }), "mtu.exceeds-parent", "zones[0].vnics[0].mtu" },
        { "vnic mtu below network ok", m => Vnic(m, 0, 0, v => v with { Mtu = 1400 }), null, null },

        // duplicates
        { "duplicate zone", m => Zone(m, 1, z => z with { Name = "web1" }), "name.duplicate", "zones[1].name" },
        { "etherstub and link share a name", m => m with { Links = [new LinkSpec { Name = "stub0" }] }, "name.duplicate", "links[0].name" },
        { "duplicate network", m => Net(m, 1, n => n with { Name = "acme" }), "name.duplicate", "networks[1].name" },
        { "duplicate vnic in zone", m => Zone(m, 0, z => z with { Vnics = [z.Vnics[0], z.Vnics[0] with { Mac = null, Addresses = [] }] }), "name.duplicate", "zones[0].vnics[1].name" },
        { "two primaries", m => Zone(m, 0, z => z with { Vnics = [z.Vnics[0] with { Primary = true }, z.Vnics[0] with { Name = "net1", Primary = true, Mac = null, Addresses = [] }] }), "vnic.multiple-primary", "zones[0].vnics[1].primary" },

        // bandwidth and routes
        { "maxbw 1200K ok", m => Vnic(m, 0, 0, v => v with { MaxBandwidth = 1_200_000 }), null, null },
        { "maxbw below minimum", m => Vnic(m, 0, 0, v => v with { MaxBandwidth = 1_000_000 }), "maxbw.too-low", "zones[0].vnics[0].maxbw" },
        { "route via reachable gateway", m => Zone(m, 0, z => z with { Routes = [new RouteSpec { Destination = IPNetwork.Parse("10.9.0.0/16"), Gateway = Models.Ip("10.1.0.1") }] }), null, null },
        { "route via unreachable gateway", m => Zone(m, 0, z => z with { Routes = [new RouteSpec { Destination = IPNetwork.Parse("10.9.0.0/16"), Gateway = Models.Ip("192.168.1.1") }] }), "route.gateway-unreachable", "zones[0].routes[0].via" },

        // names of other objects
        { "zone name with space", m => Zone(m, 0, z => z with { Name = "web 1" }), "name.invalid", "zones[0].name" },
        { "tenant with slash", m => Net(m, 0, n => n with { Tenant = "a/b" }), "name.invalid", "networks[0].tenant" },

        // names are whole strings: .NET's $ also matches before a final newline, which let "web1\n" through
        { "zone name ending in newline", m => Zone(m, 0, z => z with { Name = "web1\n" }), "name.invalid", "zones[0].name" },
        { "network name ending in newline", m => Net(m, 1, n => n with { Name = "globex\n" }), "name.invalid", "networks[1].name" },
        { "tenant ending in newline", m => Net(m, 0, n => n with { Tenant = "acme\n" }), "name.invalid", "networks[0].tenant" },
        { "etherstub name ending in newline", m => Stub(m, 1, s => s with { Name = "mgmt0\n" }), "name.invalid-link-name", "etherstubs[1].name" },
        { "vnic name ending in newline", m => Vnic(m, 1, 0, v => v with { Name = "net0\n" }), "name.invalid-link-name", "zones[1].vnics[0].name" },
        { "tag ending in newline", m => Addr(m, 0, 0, 0, a => a with { Tag = "v4\n" }), "addrobj.invalid-tag", "zones[0].vnics[0].addresses[0].tag" },
        { "link name with control character", m => m with { Links = [new LinkSpec { Name = "eth\u00010" }] }, "name.invalid-linux-name", "links[0].name" },

        // subnets that are no tenant's: /0, loopback, multicast, link-local, IPv4-mapped
        { "ipv4 /0 subnet", m => Net(m, 1, n => n with { Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("0.0.0.0/0") } }), "subnet.special-purpose", "networks[1].ipv4.subnet" },
        { "ipv6 /0 subnet", m => Net(m, 1, n => n with { Ipv6 = new SubnetSpec { Subnet = IPNetwork.Parse("::/0") } }), "subnet.special-purpose", "networks[1].ipv6.subnet" },
        { "loopback subnet", m => Net(m, 1, n => n with { Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("127.0.0.0/8") } }), "subnet.special-purpose", "networks[1].ipv4.subnet" },
        { "ipv6 loopback subnet", m => Net(m, 1, n => n with { Ipv6 = new SubnetSpec { Subnet = IPNetwork.Parse("::1/128") } }), "subnet.special-purpose", "networks[1].ipv6.subnet" },
        { "multicast subnet", m => Net(m, 1, n => n with { Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("224.0.0.0/24") } }), "subnet.special-purpose", "networks[1].ipv4.subnet" },
        { "ipv6 multicast subnet", m => Net(m, 1, n => n with { Ipv6 = new SubnetSpec { Subnet = IPNetwork.Parse("ff05::/64") } }), "subnet.special-purpose", "networks[1].ipv6.subnet" },
        { "link-local subnet", m => Net(m, 1, n => n with { Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("169.254.0.0/16") } }), "subnet.special-purpose", "networks[1].ipv4.subnet" },
        { "ipv6 link-local subnet", m => Net(m, 1, n => n with { Ipv6 = new SubnetSpec { Subnet = IPNetwork.Parse("fe80::/64") } }), "subnet.special-purpose", "networks[1].ipv6.subnet" },
        { "ipv4-mapped subnet", m => Net(m, 1, n => n with { Ipv6 = new SubnetSpec { Subnet = IPNetwork.Parse("::ffff:0:0/96") } }), "subnet.special-purpose", "networks[1].ipv6.subnet" },
        { "ula subnet ok", m => Net(m, 1, n => n with { Ipv6 = new SubnetSpec { Subnet = IPNetwork.Parse("fd10:100::/64") } }), null, null },
        { "gateway ipv4-mapped in ipv6 subnet", m => Net(m, 0, n => n with { Ipv6 = n.Ipv6! with { Gateway = Models.Ip("::ffff:10.1.0.1") } }), "gateway.outside-subnet", "networks[0].ipv6.gateway" },
        { "static loopback address off any network", m => Vnic(m, 1, 0, v => v with { Network = null, Over = "stub0", Vlan = 5, Addresses = [new AddressSpec { Tag = "v4", Address = Models.Ip("127.0.0.5"), PrefixLength = 8 }] }), "address.special-purpose", "zones[1].vnics[0].addresses[0].address" },
        { "route via multicast", m => Zone(m, 0, z => z with { Routes = [new RouteSpec { Destination = IPNetwork.Parse("10.9.0.0/16"), Gateway = Models.Ip("224.0.0.1") }] }), "route.special-purpose", "zones[0].routes[0].via" },

        // point-to-point and host subnets, and 'auto' where nothing is left to hand out
        { "ipv4 /31 auto ok", m => Net(m, 1, n => n with { Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("10.9.0.0/31") } }) is var x ? Vnic(x, 1, 0, v => v with { Network = "globex" }) : x, null, null },
        { "ipv4 /32 auto ok", m => Net(m, 1, n => n with { Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("10.9.0.7/32") } }) is var x ? Vnic(x, 1, 0, v => v with { Network = "globex" }) : x, null, null },
        { "ipv4 /32 whose address is the gateway", m => Net(m, 1, n => n with { Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("10.9.0.7/32"), Gateway = Models.Ip("10.9.0.7") } }) is var x ? Vnic(x, 1, 0, v => v with { Network = "globex" }) : x, "address.auto-no-room", "zones[1].vnics[0].addresses[0].address" },
        { "range all reserved", m => Net(m, 0, n => n with { Reserved = [new ReservationSpec { First = Models.Ip("10.1.0.10"), Last = Models.Ip("10.1.0.200") }] }) is var x ? Addr(Addr(x, 1, 0, 0, a => a with { Family = System.Net.Sockets.AddressFamily.InterNetwork }), 0, 0, 0, a => a with { Address = Models.Ip("10.1.0.220") }) : x, "address.auto-no-room", "zones[1].vnics[0].addresses[0].address" },
        { "two autos on a /32", m => Net(m, 1, n => n with { Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("10.9.0.7/32") } }) is var x ? Vnic(Vnic(x, 1, 0, v => v with { Network = "globex" }), 0, 0, v => v with { Network = "globex", Addresses = [new AddressSpec { Tag = "v4", Family = System.Net.Sockets.AddressFamily.InterNetwork }] }) : x, "address.auto-no-room", "zones[1].vnics[0].addresses[0].address" },

        // overlapping subnets under one router (one tenant's networks), in different L2 domains
        { "tenant networks with the same subnet", m => Net(m, 1, n => n with { Tenant = "acme", Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("10.1.0.0/24"), Gateway = Models.Ip("10.1.0.1") } }), "subnet.overlap-router", "networks[1].ipv4.subnet" },
        { "tenant networks with overlapping ipv6", m => Net(m, 1, n => n with { Tenant = "acme", Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse("10.2.0.0/24"), Gateway = Models.Ip("10.2.0.1") }, Ipv6 = new SubnetSpec { Subnet = IPNetwork.Parse("fd00:1::/48") } }), "subnet.overlap-router", "networks[1].ipv6.subnet" },
        { "tenant networks without gateways are not routed: same subnet ok", m => Net(m, 1, n => n with { Tenant = "acme" }) is var x ? Net(x, 0, n => n with { Ipv4 = n.Ipv4! with { Gateway = null }, Ipv6 = n.Ipv6! with { Gateway = null } }) : x, null, null },

        // bandwidth and MAC prefix
        { "maxbw 1000G ok", m => Vnic(m, 0, 0, v => v with { MaxBandwidth = 1_000_000_000_000 }), null, null },
        { "maxbw above 1000G", m => Vnic(m, 0, 0, v => v with { MaxBandwidth = long.MaxValue }), "maxbw.too-high", "zones[0].vnics[0].maxbw" },
        { "multicast mac prefix", m => m with { Settings = new ModelSettings { MacPrefix = MacPrefix.Parse("3:0:0") } }, "mac-prefix.multicast", "settings.mac-prefix" },
        { "one-octet mac prefix ok", m => m with { Settings = new ModelSettings { MacPrefix = MacPrefix.Parse("2") } }, null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_Case_ReportsExpectedError(string name, Func<NetworkModel, NetworkModel> mutate, string? code, string? path)
    {
        var result = ModelValidator.Validate(mutate(Base), HostTarget.Linux);
        if (code is null)
        {
            Assert.True(result.IsValid, $"{name}: expected no errors, got:\n{string.Join("\n", result.Errors)}");
        }
        else
        {
            Assert.True(result.Errors.Any(e => e.Code == code && e.Path == path),
                $"{name}: expected {code} at {path}, got:\n{string.Join("\n", result.Errors)}");
        }
    }

    [Fact]
    public void Warnings_VnicOnASubnettedNetworkWithoutAddresses_IsNamedWithWhatItMeans()
    {
        var model = Vnic(Base, 1, 0, v => v with { Addresses = [] });
        model = model with { Zones = [.. model.Zones, new ZoneSpec { Name = "l2only", Vnics = [new VnicSpec { Name = "net0", Over = "stub0", Vlan = 7 }] }] };

        var warning = Assert.Single(ModelValidator.Warnings(model));

        Assert.True(ModelValidator.Validate(model, HostTarget.Linux).IsValid);
        Assert.Equal(("zones[1].vnics[0].addresses", "vnic.no-addresses"), (warning.Path, warning.Code));
        Assert.Contains("gets no IP address and no route", warning.Message, StringComparison.Ordinal);
        Assert.Empty(ModelValidator.Warnings(Base));
    }

    [Fact]
    public void Validate_SameInstanceAgain_GivesTheResultItGaveBefore_AnEqualCopyIsValidatedAgain()
    {
        var model = Vnic(Base, 1, 0, v => v with { Name = "abcdefghijklmno0" });
        var copy = model with { Zones = [.. model.Zones] };

        var first = ModelValidator.Validate(model, HostTarget.Linux);
        var again = ModelValidator.Validate(model, HostTarget.Linux);
        var ofCopy = ModelValidator.Validate(copy, HostTarget.Linux);

        Assert.False(first.IsValid);
        Assert.Same(first, again);
        Assert.NotSame(first, ofCopy);
        Assert.Equal(first.Errors, ofCopy.Errors);
        Assert.True(ModelValidator.Validate(model, HostTarget.Illumos).IsValid);
    }

    [Fact]
    public void Validate_IllumosTarget_AcceptsDhcpAndLongVnicNames()
    {
        var model = Addr(Vnic(Base, 1, 0, v => v with { Name = "abcdefghijklmno0" }), 1, 0, 0, a => a with { Type = AddressType.Dhcp, Family = null });
        Assert.True(ModelValidator.Validate(model, HostTarget.Illumos).IsValid);
        Assert.False(ModelValidator.Validate(model, HostTarget.Linux).IsValid);
    }

    [Fact]
    public void Validate_ManyMistakes_ReportsEveryOneInOnePass()
    {
        var model = Stub(Base, 0, s => s with { Mtu = 100 });
        model = Net(model, 0, n => n with { Vlan = 5000 });
        model = Vnic(model, 0, 0, v => v with { Mac = new MacAddress(0) });
        model = Addr(model, 1, 0, 0, a => a with { Tag = "_x" });
        var codes = ModelValidator.Validate(model, HostTarget.Linux).Errors.Select(e => e.Code).ToHashSet();
        Assert.Superset(new HashSet<string> { "mtu.out-of-range", "vlan.out-of-range", "mac.zero", "addrobj.invalid-tag" }, codes);
    }

    private static NetworkModel Stub(NetworkModel m, int i, Func<EtherstubSpec, EtherstubSpec> f) =>
        m with { Etherstubs = m.Etherstubs.Select((s, j) => j == i ? f(s) : s).ToEquatableArray() };

    private static NetworkModel Net(NetworkModel m, int i, Func<NetworkSpec, NetworkSpec> f) =>
        m with { Networks = m.Networks.Select((n, j) => j == i ? f(n) : n).ToEquatableArray() };

    private static NetworkModel Zone(NetworkModel m, int i, Func<ZoneSpec, ZoneSpec> f) =>
        m with { Zones = m.Zones.Select((z, j) => j == i ? f(z) : z).ToEquatableArray() };

    private static NetworkModel Vnic(NetworkModel m, int z, int v, Func<VnicSpec, VnicSpec> f) =>
        Zone(m, z, zone => zone with { Vnics = zone.Vnics.Select((x, j) => j == v ? f(x) : x).ToEquatableArray() });

    private static NetworkModel Addr(NetworkModel m, int z, int v, int a, Func<AddressSpec, AddressSpec> f) =>
        Vnic(m, z, v, vnic => vnic with { Addresses = vnic.Addresses.Select((x, j) => j == a ? f(x) : x).ToEquatableArray() });
}
