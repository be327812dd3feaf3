using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Store;

/// <summary>Container attachments in the store (what ADD, DEL and GC do to it), the same on SQLite and on PostgreSQL.</summary>
public sealed class ContainerStoreTests
{
    private static ContainerAttachment Attach(NetVirtStore store, string id, string ifname = "eth0", string cni = "cnet", string network = "n1", string? ip = null) =>
        store.AttachContainer(id, $"/run/netns/{id}", [new LabelSpec("k8s-pod-name", "web")], cni, ifname, _ => new VnicSpec
        {
            Name = ifname,
            Network = network,
            Addresses = [ip is null ? new AddressSpec { Tag = "v4", Family = System.Net.Sockets.AddressFamily.InterNetwork } : new AddressSpec { Tag = "v4", Address = Models.Ip(ip) }],
        }, HostTarget.Linux);

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Attach_NewContainer_IsAContainerZoneInTheResolvedStateOnly(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(zones: 1), HostTarget.Linux);
        var attached = Attach(store, "abc");
        Assert.False(attached.Existing);
        Assert.Equal("c-abc", attached.Zone.Name);
        Assert.Equal("10.0.0.3", attached.Vnic.Addresses[0].Address!.ToString());
        Assert.NotNull(attached.Vnic.Mac);
        Assert.Equal("cnet", attached.CniNetwork);
        Assert.Equal("/run/netns/abc", attached.Zone.Container!.Netns);
        Assert.Equal([new LabelSpec("k8s-pod-name", "web")], attached.Zone.Container.Labels);

        var state = store.Load();
        Assert.Equal(["z1"], state.Authored.Zones.Select(z => z.Name));
        Assert.Equal(["z1", "c-abc"], state.Resolved.Zones.Select(z => z.Name));
        Assert.Equal(attached.Zone, state.Resolved.Zones[1]);
        Assert.Equal("c-abc", store.Who(Models.Ip("10.0.0.3")).Single().Zone);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Attach_PastASlotsPorts_GoesToTheNextSlot_AndNoAttachmentEverMoves(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        var full = NetVirt.Model.Topology.ContainerSlots.PortsPerSlot;
        store.Replace(Models.OneNetwork(subnet: "10.0.0.0/20", zones: 10), HostTarget.Linux);

        // Ten declared zones share slot 0 (the network's own bridge) with the first containers.
        var slots = Enumerable.Range(0, full + 5).Select(i => Attach(store, $"c{i}").Zone.Container!.Attachments.Single().Slot).ToList();
        Assert.All(slots[..(full - 10)], s => Assert.Equal(0, s));
        Assert.All(slots[(full - 10)..], s => Assert.Equal(1, s));

        // A container removed from slot 0 leaves room there for the next one; the others stay where they were.
        Assert.NotNull(store.DetachContainer("cnet", "c3", "eth0"));
        Assert.Equal(0, Attach(store, "again").Zone.Container!.Attachments.Single().Slot);
        Assert.Equal(1, Attach(store, "more").Zone.Container!.Attachments.Single().Slot);
        var stored = store.Load().Resolved.Zones.Where(z => z.Container is not null).ToDictionary(z => z.Container!.Id, z => z.Container!.Attachments.Single().Slot);
        Assert.Equal(slots[full], stored[$"c{full}"]);
        Assert.Equal(0, stored["c0"]);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Attach_Repeated_AnswersWhatIsStoredAndChangesNothing(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        var first = Attach(store, "abc");
        var again = Attach(store, "abc");
        Assert.True(again.Existing);
        Assert.Equal(first.Zone, again.Zone);
        Assert.Equal(first.Generation, store.Generation());
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Attach_SameInterfaceByAnotherCniNetwork_IsAConflict(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        Attach(store, "abc");
        var ex = Assert.Throws<ConcurrencyConflictException>(() => Attach(store, "abc", cni: "other"));
        Assert.Contains("attached by CNI network 'cnet'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Attach_SecondInterface_JoinsTheContainersZone(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        Attach(store, "abc");
        var second = Attach(store, "abc", ifname: "net1", cni: "other");
        Assert.Equal(["eth0", "net1"], second.Zone.Vnics.Select(v => v.Name));
        Assert.Equal("other", second.Zone.Container!.CniNetworkOf("net1"));
        Assert.NotEqual(second.Zone.Vnics[0].Addresses[0].Address, second.Zone.Vnics[1].Addresses[0].Address);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Attach_TakenAddress_IsAConflictNamingTheHolder(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(zones: 1), HostTarget.Linux);
        var ex = Assert.Throws<ConcurrencyConflictException>(() => Attach(store, "abc", ip: "10.0.0.2"));
        Assert.Contains("z1", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(store.Load().Resolved.Zones, z => z.IsContainer);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Attach_AddressOutsideTheSubnet_IsAValidationError(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        Assert.Throws<ModelValidationException>(() => Attach(store, "abc", ip: "10.9.0.2"));
        Assert.Throws<UnknownObjectException>(() => Attach(store, "abc", network: "nope"));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void ApplyDocuments_LeaveContainersAndTheirAddressesAlone(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(zones: 1), HostTarget.Linux);
        var attached = Attach(store, "abc");
        store.Replace(Models.OneNetwork(zones: 3), HostTarget.Linux);
        var state = store.Load();
        Assert.Equal(["z1", "z2", "z3", "c-abc"], state.Resolved.Zones.Select(z => z.Name));
        Assert.Equal(attached.Zone, state.Resolved.Zones[3]);
        var declared = state.Resolved.Zones.Take(3).Select(z => z.Vnics[0].Addresses[0].Address!.ToString()).ToList();
        Assert.DoesNotContain("10.0.0.3", declared);

        store.Replace(Models.OneNetwork(zones: 0), HostTarget.Linux, allowEmpty: true);
        Assert.Equal(["c-abc"], store.Load().Resolved.Zones.Select(z => z.Name));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void ApplyDocuments_RemovingANetworkWithAttachments_IsRefusedNamingThem(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        Attach(store, "abc");
        var ex = Assert.Throws<ModelValidationException>(() => store.Replace(Models.Parse("etherstubs: [{name: stub0}]"), HostTarget.Linux));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("network.has-attachments", error.Code);
        Assert.Contains("network 'n1' cannot be removed: container 'abc'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void ApplyDocuments_ChangingTheSubnetUnderAnAttachment_IsRefused(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        Attach(store, "abc");
        var ex = Assert.Throws<ModelValidationException>(() => store.Replace(Models.OneNetwork(subnet: "10.1.0.0/24", gateway: "10.1.0.1"), HostTarget.Linux));
        Assert.Contains(ex.Errors, e => e.Path.StartsWith("zones[0].vnics[0].addresses", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void ApplyDocuments_DeclaringAContainersZoneName_IsRefused(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        Attach(store, "abc");
        var model = Models.OneNetwork(zones: 1);
        model = model with { Zones = [model.Zones[0] with { Name = "c-abc" }] };
        var ex = Assert.Throws<ModelValidationException>(() => store.Replace(model, HostTarget.Linux));
        Assert.Contains(ex.Errors, e => e.Code == "name.taken-by-container");
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Reserve_OverAContainersAddress_IsRefusedNamingIt(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        var attached = Attach(store, "abc");
        var address = attached.Vnic.Addresses[0].Address!;
        var ex = Assert.Throws<AddressHeldException>(() => store.Reserve("n1", new NetVirt.Model.Addressing.IpRange(address, address), null, HostTarget.Linux));
        Assert.Contains("c-abc", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Detach_ReleasesAndIsIdempotent(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        var attached = Attach(store, "abc");
        var address = attached.Vnic.Addresses[0].Address!;
        Assert.Null(store.DetachContainer("other", "abc", "eth0"));
        var removed = store.DetachContainer("cnet", "abc", "eth0");
        Assert.Equal(attached.Zone, removed!.Zone);
        Assert.Null(store.DetachContainer("cnet", "abc", "eth0"));
        Assert.Null(store.DetachContainer("cnet", "never", "eth0"));
        Assert.Empty(store.Load().Resolved.Zones);
        Assert.Equal("released", store.Who(address).Single().State);
        Assert.Null(store.FindContainerAttachment("cnet", "abc", "eth0"));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Detach_OneOfTwoInterfaces_KeepsTheZone(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        Attach(store, "abc");
        Attach(store, "abc", ifname: "net1", cni: "other");
        store.DetachContainer("cnet", "abc", "eth0");
        var zone = Assert.Single(store.Load().Resolved.Zones);
        Assert.Equal(["net1"], zone.Vnics.Select(v => v.Name));
        Assert.Equal(["net1"], zone.Container!.Attachments.Select(a => a.Interface));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void DeclaredStateDoors_RefuseToChangeAContainersZone(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        Attach(store, "abc");
        var ex = Assert.Throws<RequestRefusedException>(() => store.Remove("c-abc"));
        Assert.Contains("zone of container 'abc'", ex.Message, StringComparison.Ordinal);
        Assert.Throws<RequestRefusedException>(() => store.AddVnics("c-abc", [new VnicSpec { Name = "net5", Network = "n1" }], HostTarget.Linux));
        Assert.Throws<InvalidInputException>(() => store.Update(m => m with { Zones = [.. store.Load().Resolved.Zones] }, HostTarget.Linux));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void ContainerAttachments_ByCniNetwork(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        Attach(store, "a1");
        Attach(store, "a2", cni: "other");
        Attach(store, "a2", ifname: "net1");
        Assert.Equal([("a1", "eth0"), ("a2", "net1")], store.ContainerAttachments("cnet").Select(a => (a.ContainerId, a.Interface)));
        Assert.Equal(3, store.ContainerAttachments().Count);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Attach_FromAPool_KeepsItsNetworkWhenPoolsAreRewritten(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        var model = Models.OneNetwork(extraNetwork: "") with { Pools = [new PoolSpec { Name = "p1", Networks = ["n1"] }] };
        store.Replace(model, HostTarget.Linux);
        var attached = store.AttachContainer("abc", "/run/netns/abc", [], "cnet", "eth0", _ => new VnicSpec
        {
            Name = "eth0",
            Pool = "p1",
            Addresses = [new AddressSpec { Tag = "v4", Family = System.Net.Sockets.AddressFamily.InterNetwork }],
        }, HostTarget.Linux);
        Assert.Equal("n1", attached.Vnic.Network);
        Assert.Null(attached.Vnic.Pool);
        store.Replace(model with { Pools = [] }, HostTarget.Linux);
        Assert.Equal(attached.Zone, store.Load().Resolved.Zones.Single());
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Attach_Parallel_GivesDistinctAddressesAndMacs(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(), HostTarget.Linux);
        var results = new ContainerAttachment[40];
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = Attach(db.Open(), $"c{i}"));
        Assert.Equal(40, results.Select(r => r.Vnic.Addresses[0].Address).Distinct().Count());
        Assert.Equal(40, results.Select(r => r.Vnic.Mac).Distinct().Count());
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => db.Open().DetachContainer("cnet", $"c{i}", "eth0"));
        Assert.DoesNotContain(store.Addresses(), a => a.State == "held");
    }

    [Fact]
    public void ZoneName_ShortIdsDirectly_LongOnesHashed()
    {
        Assert.Equal("c-default-web1", ContainerNames.ZoneName("default-web1"));
        var podman = new string('a', 64);
        var name = ContainerNames.ZoneName(podman);
        Assert.StartsWith("c-aaaaaaaaaaaa-", name, StringComparison.Ordinal);
        Assert.Null(NameRules.CheckZoneName(name));
        Assert.NotEqual(name, ContainerNames.ZoneName(new string('a', 63) + "b"));
    }
}
