using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Ipam;

/// <summary>IPAM through the store on real SQLite and PostgreSQL: choice order, skipping, pools, exhaustion, stability, views.</summary>
public sealed class IpamTests : IDisposable
{
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private TempStore? _db;
    private NetVirtStore _store = null!;

    /// <summary>Runs the test on <paramref name="engine"/>: a fresh database with MACs counted from 0.</summary>
    private void Use(StoreEngine engine)
    {
        _db = new TempStore(engine);
        _store = _db.Open(_time, TempDatabase.ZeroDeployment);
    }

    public void Dispose() => _db?.Dispose();

    private Dictionary<string, string> Addresses() => _store.Load().Resolved.Zones
        .ToDictionary(z => z.Name, z => z.Vnics[0].Addresses[0].Address!.ToString());

    private void Store(NetworkModel model)
    {
        _time.Advance(TimeSpan.FromMinutes(1));
        _store.Replace(model, HostTarget.Linux);
    }

    private static NetworkModel WithZones(NetworkModel model, params string[] names) =>
        model with { Zones = names.Select(n => Models.OneNetwork(zones: 1).Zones[0] with { Name = n }).ToEquatableArray() };

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Allocate_FreshNetwork_HandsOutLowestAddressesSkippingNetworkAndGateway(StoreEngine engine)
    {
        Use(engine);
        Store(Models.OneNetwork("10.0.0.0/24", "10.0.0.1", zones: 3));
        Assert.Equal(new Dictionary<string, string> { ["z1"] = "10.0.0.2", ["z2"] = "10.0.0.3", ["z3"] = "10.0.0.4" }, Addresses());
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Allocate_ManyInOneWrite_LeavesTheCursorPastTheLastAddress(StoreEngine engine)
    {
        // Fresh allocations move the cursor in memory and write it once, before the write commits.
        Use(engine);
        Store(Models.OneNetwork("10.0.0.0/24", "10.0.0.1", zones: 3));
        var cursor = _store.Database.Read((c, tx) => Dapper.SqlMapper.ExecuteScalar<byte[]>(c, "SELECT v4_cursor FROM networks WHERE name = 'n1'", transaction: tx), "read the cursor");
        Assert.Equal(IPAddress.Parse("10.0.0.5").GetAddressBytes(), cursor);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Allocate_AfterRelease_PrefersNeverUsedAddressesOverReleasedOnes(StoreEngine engine)
    {
        Use(engine);
        var net = Models.OneNetwork("10.0.0.0/24", "10.0.0.1");
        Store(WithZones(net, "a", "b", "c"));        // .2 .3 .4
        Store(WithZones(net, "a", "c"));             // release .3
        Store(WithZones(net, "a", "c", "d"));        // never-used .5 first, not .3
        Assert.Equal("10.0.0.5", Addresses()["d"]);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Allocate_RangeUsedThrough_ReusesTheAddressReleasedLongestAgo(StoreEngine engine)
    {
        Use(engine);
        // /29 with gateway .1: usable .2-.6 (five addresses).
        var net = Models.OneNetwork("10.0.0.0/29", "10.0.0.1");
        Store(WithZones(net, "a", "b", "c", "d", "e"));   // .2 .3 .4 .5 .6
        Store(WithZones(net, "a", "c", "d", "e"));        // release .3 at t2
        Store(WithZones(net, "a", "c", "e"));             // release .5 at t3
        Store(WithZones(net, "a", "c", "e", "f"));        // .3 was released longest ago
        Assert.Equal("10.0.0.3", Addresses()["f"]);
        Store(WithZones(net, "a", "c", "e", "f", "g"));
        Assert.Equal("10.0.0.5", Addresses()["g"]);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Allocate_Exhausted_NamesNetworkRangeAndUtilisation(StoreEngine engine)
    {
        Use(engine);
        // Five automatic addresses fit the five usable addresses as far as validation can tell; the static address
        // takes one of them first, so the store runs out and says where.
        var net = Models.OneNetwork("10.0.0.0/29", "10.0.0.1");
        var model = WithZones(net, "a", "b", "c", "d", "e");
        model = model with { Zones = [.. model.Zones, model.Zones[0] with { Name = "f", Vnics = [model.Zones[0].Vnics[0] with { Addresses = [new AddressSpec { Tag = "v4", Address = Models.Ip("10.0.0.6") }] }] }] };
        var ex = Assert.Throws<RequestRefusedException>(() => Store(model));
        Assert.Contains("network 'n1' has no free ipv4 address", ex.Message, StringComparison.Ordinal);
        Assert.Contains("range 10.0.0.1-10.0.0.6", ex.Message, StringComparison.Ordinal);
        Assert.Contains("5 of 5 usable addresses in use (100", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Validate_MoreAutoAddressesThanTheRangeHolds_IsRefusedBeforeAnythingIsStored(StoreEngine engine)
    {
        Use(engine);
        var net = Models.OneNetwork("10.0.0.0/29", "10.0.0.1");
        var ex = Assert.Throws<ModelValidationException>(() => Store(WithZones(net, "a", "b", "c", "d", "e", "f")));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(("zones[5].vnics[0].addresses[0].address", "address.auto-no-room"), (error.Path, error.Code));
        Assert.Contains("can hand out 5 ipv4 addresses (range 10.0.0.1-10.0.0.6 of 10.0.0.0/29)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _store.Generation());
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Allocate_ReservedAddressesAndRanges_AreNeverHandedOut(StoreEngine engine)
    {
        Use(engine);
        var net = Models.OneNetwork("10.0.0.0/24", "10.0.0.1");
        net = net with
        {
            Networks = [net.Networks[0] with
            {
                Reserved = [
                    new ReservationSpec { First = Models.Ip("10.0.0.2"), Last = Models.Ip("10.0.0.2") },
                    new ReservationSpec { First = Models.Ip("10.0.0.4"), Last = Models.Ip("10.0.0.9"), Note = "switches" }],
            }],
        };
        Store(WithZones(net, "a", "b", "c"));
        Assert.Equal(["10.0.0.3", "10.0.0.10", "10.0.0.11"], Addresses().Values);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Allocate_ProvisioningRange_IsRespected(StoreEngine engine)
    {
        Use(engine);
        var net = Models.OneNetwork("10.0.0.0/24", "10.0.0.1");
        net = net with { Networks = [net.Networks[0] with { Ipv4 = net.Networks[0].Ipv4! with { RangeStart = Models.Ip("10.0.0.100"), RangeEnd = Models.Ip("10.0.0.101") } }] };
        Store(WithZones(net, "a", "b"));
        Assert.Equal(["10.0.0.100", "10.0.0.101"], Addresses().Values);
        Assert.Contains(Assert.Throws<ModelValidationException>(() => Store(WithZones(net, "a", "b", "c"))).Errors, e => e.Code == "address.auto-no-room");
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void ReApply_SameDocumentInAnotherOrder_KeepsEveryAddressAndMac(StoreEngine engine)
    {
        Use(engine);
        var model = Models.Sample();
        Store(model);
        var before = _store.Load().Resolved;
        Store(model with { Zones = model.Zones.Reverse().ToEquatableArray() });
        var after = _store.Load().Resolved;
        foreach (var zone in before.Zones)
        {
            var same = after.Zones.Single(z => z.Name == zone.Name);
            Assert.Equal(zone.Vnics, same.Vnics);
        }
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Allocate_Ipv6_IsSequentialInsideThePrefixAndAddrconfIsRecordedAsSlaac(StoreEngine engine)
    {
        Use(engine);
        Store(Models.Sample());
        var acme = _store.Load().Resolved.Zones.Where(z => z.Vnics[0].Network == "acme").ToList();
        Assert.Equal("fd10:100::2", acme[0].Vnics[0].Addresses[1].Address!.ToString()); // ::1 is the gateway
        Assert.Equal("fd10:100::3", acme[1].Vnics[0].Addresses[1].Address!.ToString());
        var db = acme.Single(z => z.Name == "acme-db1").Vnics[0];
        var slaac = Eui64.Derive(IPNetwork.Parse("fd10:100::/64"), db.Mac!.Value);
        var holder = Assert.Single(_store.Who(slaac));
        Assert.Equal(("acme-db1", "net0", "v6", "slaac"), (holder.Zone, holder.Vnic, holder.Tag, holder.Kind));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Pool_FillsNetworksInOrderAndNamesThemAllWhenFull(StoreEngine engine)
    {
        Use(engine);
        var model = Models.Parse("""
            etherstubs: [{ name: stub0 }]
            networks:
              - { name: small, over: stub0, vlan: 1, ipv4: { subnet: 10.1.0.0/30 } }
              - { name: big, over: stub0, vlan: 2, ipv4: { subnet: 10.2.0.0/30 } }
            pools:
              - { name: p, networks: [small, big] }
            zones: []
            """);
        NetworkModel WithPoolZones(int n) => model with
        {
            Zones = Enumerable.Range(1, n).Select(i => new ZoneSpec
            {
                Name = $"z{i}",
                Vnics = [new VnicSpec { Name = "net0", Pool = "p", Addresses = [new AddressSpec { Tag = "v4" }] }],
            }).ToEquatableArray(),
        };
        Store(WithPoolZones(4));
        var state = _store.Load().Resolved;
        Assert.Equal(["small", "small", "big", "big"], state.Zones.Select(z => z.Vnics[0].Network));
        Assert.Equal(["10.1.0.1", "10.1.0.2", "10.2.0.1", "10.2.0.2"], state.Zones.Select(z => z.Vnics[0].Addresses[0].Address!.ToString()));
        var ex = Assert.Throws<RequestRefusedException>(() => Store(WithPoolZones(5)));
        Assert.Contains("every network of pool 'p' is full", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'small'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'big'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Pool_AttemptRolledBack_GivesItsAddressToTheNextVnic(StoreEngine engine)
    {
        // z2 needs IPv6, which only 'second' has: its address taken in 'first' is rolled back, and z3, which fits in
        // 'first', gets that address, the lowest never used, as if z2 had never tried.
        Use(engine);
        Store(Models.Parse("""
            etherstubs: [{ name: stub0 }]
            networks:
              - { name: first, over: stub0, vlan: 1, ipv4: { subnet: 10.1.0.0/24 } }
              - { name: second, over: stub0, vlan: 2, ipv4: { subnet: 10.2.0.0/24 }, ipv6: { subnet: 'fd00:2::/64' } }
            pools:
              - { name: p, networks: [first, second] }
            zones:
              - { name: z1, vnics: [{ name: net0, pool: p, addresses: [{ tag: v4, family: ipv4 }] }] }
              - { name: z2, vnics: [{ name: net0, pool: p, addresses: [{ tag: v4, family: ipv4 }, { tag: v6, family: ipv6 }] }] }
              - { name: z3, vnics: [{ name: net0, pool: p, addresses: [{ tag: v4, family: ipv4 }] }] }
            """));
        var zones = _store.Load().Resolved.Zones;
        Assert.Equal(["first", "second", "first"], zones.Select(z => z.Vnics[0].Network));
        Assert.Equal(["10.1.0.1", "10.2.0.1", "10.1.0.2"], zones.Select(z => z.Vnics[0].Addresses[0].Address!.ToString()));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Pool_StaticAddressClaimedBetweenAutomaticOnes_IsSteppedOver(StoreEngine engine)
    {
        // Pool VNICs are placed in order, so z2's static address is claimed after z1's automatic one was chosen: z3's
        // choice must see it.
        Use(engine);
        Store(Models.Parse("""
            etherstubs: [{ name: stub0 }]
            networks:
              - { name: first, over: stub0, vlan: 1, ipv4: { subnet: 10.1.0.0/24 } }
            pools:
              - { name: p, networks: [first] }
            zones:
              - { name: z1, vnics: [{ name: net0, pool: p, addresses: [{ tag: v4, family: ipv4 }] }] }
              - { name: z2, vnics: [{ name: net0, pool: p, addresses: [{ tag: v4, address: 10.1.0.2 }] }] }
              - { name: z3, vnics: [{ name: net0, pool: p, addresses: [{ tag: v4, family: ipv4 }] }] }
            """));
        Assert.Equal(new Dictionary<string, string> { ["z1"] = "10.1.0.1", ["z2"] = "10.1.0.2", ["z3"] = "10.1.0.3" }, Addresses());
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Allocate_StaticAddressesAmongAutomaticOnes_AreSkipped(StoreEngine engine)
    {
        // Static addresses are claimed before automatic ones are chosen, and the choice then steps over them.
        Use(engine);
        var model = Models.OneNetwork("10.0.0.0/24", "10.0.0.1", zones: 4);
        var fixedVnic = model.Zones[1].Vnics[0];
        model = model with
        {
            Zones = [model.Zones[0], model.Zones[1] with { Vnics = [fixedVnic with { Addresses = [fixedVnic.Addresses[0] with { Address = IPAddress.Parse("10.0.0.3") }] }] }, model.Zones[2], model.Zones[3]],
        };
        Store(model);
        Assert.Equal(new Dictionary<string, string> { ["z1"] = "10.0.0.2", ["z2"] = "10.0.0.3", ["z3"] = "10.0.0.4", ["z4"] = "10.0.0.5" }, Addresses());
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Mac_Auto_IsUniqueUnderThePrefixAndSkipsFixedOnes(StoreEngine engine)
    {
        Use(engine);
        var model = Models.OneNetwork(zones: 3);
        model = model with
        {
            Settings = new ModelSettings { MacPrefix = MacPrefix.Parse("2:aa:bb:cc:dd") },
            Zones = [model.Zones[0] with { Vnics = [model.Zones[0].Vnics[0] with { Mac = MacAddress.Parse("2:aa:bb:cc:dd:1") }] }, model.Zones[1], model.Zones[2]],
        };
        Store(model);
        var macs = _store.Load().Resolved.Zones.Select(z => z.Vnics[0].Mac!.Value.ToString()).ToList();
        Assert.Equal(["02:aa:bb:cc:dd:01", "02:aa:bb:cc:dd:00", "02:aa:bb:cc:dd:02"], macs);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Views_FreeRangesOfAFragmentedNetwork_AreCompact(StoreEngine engine)
    {
        Use(engine);
        var net = Models.OneNetwork("10.0.0.0/24", "10.0.0.1");
        Store(WithZones(net, [.. Enumerable.Range(1, 10).Select(i => $"z{i}")]));   // .2-.11
        Store(WithZones(net, [.. Enumerable.Range(1, 10).Where(i => i != 4 && i != 5).Select(i => $"z{i}")])); // free .5 .6
        var free = _store.FreeRanges("n1", AddressFamily.InterNetwork).Select(r => r.ToString());
        Assert.Equal(["10.0.0.5-10.0.0.6", "10.0.0.12-10.0.0.254"], free);
        var usage = Assert.Single(_store.Usage("n1"));
        Assert.Equal((UInt128)253, usage.Usable);
        Assert.Equal((UInt128)8, usage.Used);
        Assert.Equal("10.0.0.12", usage.Next!.ToString());
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Views_Who_FindsHolderReservationAndGateway(StoreEngine engine)
    {
        Use(engine);
        var net = Models.OneNetwork("10.0.0.0/24", "10.0.0.1");
        Store(WithZones(net, "a"));
        Assert.Equal("held", Assert.Single(_store.Who(Models.Ip("10.0.0.2"))).State);
        Assert.Equal("gateway", Assert.Single(_store.Who(Models.Ip("10.0.0.1"))).State);
        _store.Reserve("n1", new IpRange(Models.Ip("10.0.0.50"), Models.Ip("10.0.0.60")), "lb", HostTarget.Linux);
        var reserved = Assert.Single(_store.Who(Models.Ip("10.0.0.55")));
        Assert.Equal(("reserved", "lb"), (reserved.State, reserved.Note));
        _store.Release("n1", new IpRange(Models.Ip("10.0.0.50"), Models.Ip("10.0.0.60")), HostTarget.Linux);
        Assert.Empty(_store.Who(Models.Ip("10.0.0.55")));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Release_AddressHeldByAVnic_IsRefusedNamingTheHolder(StoreEngine engine)
    {
        Use(engine);
        Store(WithZones(Models.OneNetwork("10.0.0.0/24", "10.0.0.1"), "a"));
        var ex = Assert.Throws<RequestRefusedException>(() => _store.Release("n1", new IpRange(Models.Ip("10.0.0.2"), Models.Ip("10.0.0.2")), HostTarget.Linux));
        Assert.Contains("held by zone 'a' vnic 'net0'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Reserve_AddressHeldByAStaticAddress_IsRefusedNamingTheHolder(StoreEngine engine)
    {
        Use(engine);
        var model = Models.Parse("""
            etherstubs: [{ name: stub0 }]
            networks: [{ name: n1, over: stub0, vlan: 10, ipv4: { subnet: 10.0.0.0/24 } }]
            zones:
              - name: a
                vnics: [{ name: net0, network: n1, addresses: [{ tag: v4, address: 10.0.0.7 }] }]
            """);
        Store(model);
        var ex = Assert.Throws<AddressHeldException>(() => _store.Reserve("n1", new IpRange(Models.Ip("10.0.0.7"), Models.Ip("10.0.0.7")), null, HostTarget.Linux));
        Assert.Equal("10.0.0.7: zone 'a' vnic 'net0' address 'v4'", Assert.Single(ex.Holders));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Reserve_RangeOverAnAutomaticAddress_IsRefusedAndTheHolderKeepsItsAddress(StoreEngine engine)
    {
        Use(engine);
        // The defect: the reservation succeeded and silently renumbered the holder (10.0.0.3 became 10.0.0.5).
        Store(Models.OneNetwork("10.0.0.0/24", "10.0.0.1", zones: 3)); // z1 .2, z2 .3, z3 .4
        var generation = _store.Generation();

        var ex = Assert.Throws<AddressHeldException>(() => _store.Reserve("n1", new IpRange(Models.Ip("10.0.0.3"), Models.Ip("10.0.0.9")), "lb", HostTarget.Linux));

        Assert.Equal(["10.0.0.3: zone 'z2' vnic 'net0' address 'v4'", "10.0.0.4: zone 'z3' vnic 'net0' address 'v4'"], ex.Holders);
        Assert.Contains("cannot reserve 10.0.0.3-10.0.0.9 in network 'n1': 2 addresses are held", ex.Message, StringComparison.Ordinal);
        Assert.Equal(generation, _store.Generation());
        Assert.Equal(new Dictionary<string, string> { ["z1"] = "10.0.0.2", ["z2"] = "10.0.0.3", ["z3"] = "10.0.0.4" }, Addresses());
        Assert.True(_store.Infrastructure().Networks[0].Reserved.IsEmpty);

        // A free range next to them is reserved as before, and every zone keeps its address.
        Assert.True(_store.Reserve("n1", new IpRange(Models.Ip("10.0.0.5"), Models.Ip("10.0.0.9")), "lb", HostTarget.Linux).Changed);
        Assert.Equal(new Dictionary<string, string> { ["z1"] = "10.0.0.2", ["z2"] = "10.0.0.3", ["z3"] = "10.0.0.4" }, Addresses());
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Replace_DocumentAddingAReservationOverAHeldAddress_IsRefusedUnlessTheHolderGoesToo(StoreEngine engine)
    {
        Use(engine);
        // The same rule through the other doors (a document, PUT /networks): a reservation never renumbers a VNIC.
        var net = Models.OneNetwork("10.0.0.0/24", "10.0.0.1", zones: 3);
        Store(net);
        var reserved = net with { Networks = [net.Networks[0] with { Reserved = [new ReservationSpec { First = Models.Ip("10.0.0.3"), Last = Models.Ip("10.0.0.3"), Note = "vip" }] }] };

        var ex = Assert.Throws<AddressHeldException>(() => Store(reserved));
        Assert.Equal("10.0.0.3: zone 'z2' vnic 'net0' address 'v4'", Assert.Single(ex.Holders));
        Assert.Throws<AddressHeldException>(() => _store.Preview(reserved, HostTarget.Linux));
        Assert.Equal(new Dictionary<string, string> { ["z1"] = "10.0.0.2", ["z2"] = "10.0.0.3", ["z3"] = "10.0.0.4" }, Addresses());

        // Without z2 in the same document, nothing is taken from anyone.
        Store(reserved with { Zones = [reserved.Zones[0], reserved.Zones[2]] });
        Assert.Equal(new Dictionary<string, string> { ["z1"] = "10.0.0.2", ["z3"] = "10.0.0.4" }, Addresses());
    }
}
