using System.Text;
using NetVirt.Backends.Linux;
using NetVirt.Backends.Linux.Kinds;
using NetVirt.Backends.Linux.Rendering;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Spec;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Resources;
using NetVirt.Tests.Support;
using Xunit.Abstractions;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>
/// L2 domains past one bridge's ports: the star of bridges (<see cref="BridgeTree"/>, <see cref="TrunkKind"/>), rendered
/// from the model, realised on the fake kernel (which refuses a bridge's 1,024th port with EXFULL, as Linux does), and
/// killed at every kernel change of an apply, a destroy and a shrink back to one bridge: each time the next apply
/// converges and the next destroy leaves nothing. Small limits make trees of a few zones.
/// </summary>
public sealed class LinuxBridgeTreeTests(ITestOutputHelper output)
{
    // Trees of a few zones: one bridge up to 10 ports, about 8 VNICs a leaf, and bridges of 13 ports on the fake host.
    private static readonly BridgeTreeLimits Small = new() { KernelPorts = 13, FlatPorts = 10, LeafTarget = 8, LeafCapacity = 12, MaxVnics = 100 };

    private static readonly Lazy<NetworkModel> Zones40 = new(() => LinuxHarness.Resolve(Models.Parse(OneNetwork(40))));

    private static readonly Lazy<NetworkModel> Zones8 = new(() => LinuxHarness.Resolve(Models.Parse(OneNetwork(8))));

    /// <summary>N zones with one VNIC each on one network (IPv4 + IPv6, a gateway, so a router leg), default protection.</summary>
    public static string OneNetwork(int zones, string network = "big", int vlan = 100)
    {
        var text = new StringBuilder($"""
            version: 1
            etherstubs: [{"{"} name: stub0 {"}"}]
            networks:
              - {"{"} name: {network}, tenant: t, over: stub0, vlan: {vlan}, ipv4: {"{"} subnet: 10.50.0.0/16, gateway: 10.50.0.1 {"}"}, ipv6: {"{"} subnet: 'fd50::/64', gateway: 'fd50::1' {"}"} {"}"}
            zones:

            """);
        for (var z = 0; z < zones; z++)
        {
            text.Append($"  - {{ name: z{z}, vnics: [{{ name: net0, network: {network}, addresses: [{{ tag: v4, address: auto, family: ipv4 }}, {{ tag: v6, address: auto, family: ipv6 }}] }}] }}\n");
        }

        return text.ToString();
    }

    private static FakeLinuxKernel NewHost(int bridgePorts = 13)
    {
        var kernel = new FakeLinuxKernel { BridgePorts = bridgePorts };
        kernel.AddHostLink("eth0");
        return kernel;
    }

    [Fact]
    public void Render_TwoVnicsWhoseHostEndsHashAlike_IsAPlanProblemNamingBoth_AndTheRemedy()
    {
        // After a 6-character prefix a host end has 7 hex digits (28 bits): among a few tens of thousands of zone names
        // two share one (birthday bound), and the plan must say so, not make one veth for two VNICs.
        var naming = new LinuxNaming("nvtabc");
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var (first, second) = (-1, -1);
        for (var z = 0; first < 0; z++)
        {
            if (!seen.TryAdd(naming.VnicHostEnd($"z{z}", "net0"), z))
            {
                (first, second) = (seen[naming.VnicHostEnd($"z{z}", "net0")], z);
            }
        }

        // With addresses, so that each zone has a default route through the network's gateway: the VNIC left unrendered
        // must not make its zone's route a second, wrong problem ("the gateway is in the subnet of none of the addresses").
        var text = OneNetwork(0)
            + $"  - {{ name: z{first}, vnics: [{{ name: net0, network: big, addresses: [{{ tag: v4, address: 10.50.0.10/16 }}] }}] }}\n"
            + $"  - {{ name: z{second}, vnics: [{{ name: net0, network: big, addresses: [{{ tag: v4, address: 10.50.0.11/16 }}] }}] }}\n";
        var result = LinuxRenderer.Render(LinuxHarness.Resolve(Models.Parse(text)), new LinuxContext(naming, LinuxTools.Default), new LinuxCapabilities());

        var problem = Assert.Single(result.Problems);
        Assert.Contains("is also derived for", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"z{first}", problem.Message + problem.Subject, StringComparison.Ordinal);
        Assert.Contains($"z{second}", problem.Message + problem.Subject, StringComparison.Ordinal);
        Assert.Contains("28 bits", problem.Message, StringComparison.Ordinal);
        Assert.Contains("shorter prefix", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_1100VnicsInOneNetwork_IsAStarOfLeavesWithinTheKernelsPorts()
    {
        var model = LinuxHarness.Resolve(Models.Parse(OneNetwork(1100)));
        var naming = new LinuxNaming("nv");

        var result = LinuxRenderer.Render(model, new LinuxContext(naming, LinuxTools.Default), new LinuxCapabilities());

        Assert.Empty(result.Problems);
        var root = naming.Bridge("stub0", 100);
        var bridges = result.Desired.Resources.Where(r => r.Kind == LinuxKinds.Bridge).Select(r => r.Name).ToHashSet();
        var leaves = Enumerable.Range(0, 3).Select(l => naming.LeafBridge("stub0", 100, l)).ToList();
        Assert.Equal([root, .. leaves], bridges.Order(StringComparer.Ordinal).ToList().OrderBy(b => b == root ? 0 : 1).ThenBy(b => b, StringComparer.Ordinal));
        var trunks = result.Desired.Resources.Where(r => r.Kind == LinuxKinds.Trunk).ToList();
        Assert.Equal(leaves.Order(StringComparer.Ordinal), trunks.Select(t => t.Properties["bridge"]).Order(StringComparer.Ordinal));
        Assert.All(trunks, t => Assert.Equal(root, t.Properties["root"]));
        var ports = Ports(result.Desired);
        Assert.All(leaves, leaf => Assert.InRange(ports[leaf], 300, 1001));
        Assert.Equal(1100 + 3, leaves.Sum(l => ports[l]));
        Assert.Equal(1 + 3, ports[root]);   // the router's leg and the trunks
        Assert.All(ports.Values, count => Assert.True(count <= 1023));
    }

    [Fact]
    public void Render_1000Ports_IsOneBridgeAsBefore()
    {
        var model = LinuxHarness.Resolve(Models.Parse(OneNetwork(999)));

        var result = LinuxRenderer.Render(model, new LinuxContext(new LinuxNaming("nv"), LinuxTools.Default), new LinuxCapabilities());

        Assert.Empty(result.Problems);
        Assert.Single(result.Desired.Resources, r => r.Kind == LinuxKinds.Bridge);
        Assert.DoesNotContain(result.Desired.Resources, r => r.Kind == LinuxKinds.Trunk);
        Assert.Equal(1000, Ports(result.Desired).Single().Value);
    }

    [Fact]
    public void Render_MoreVnicsThanRealised_IsAProblemNamingTheNetworkAndTheLimit()
    {
        var model = LinuxHarness.Resolve(Models.Parse(OneNetwork(101)));

        var result = LinuxRenderer.Render(model, new LinuxContext(new LinuxNaming("nv"), LinuxTools.Default) { Trees = Small }, new LinuxCapabilities());

        var problem = Assert.Single(result.Problems);
        Assert.Equal("network big", problem.Subject);
        Assert.Contains("has 101 VNICs on etherstub stub0 VLAN 100", problem.Message);
        Assert.Contains("at most 100 VNICs in one L2 domain", problem.Message);
        Assert.Contains("13 ports", problem.Message);
    }

    [Fact]
    public void Render_MorePortsThanTheHostsReceiveBacklog_IsAProblemNamingTheSysctl_AndFitsOnceRaised()
    {
        var context = new LinuxContext(new LinuxNaming("nv"), LinuxTools.Default);
        var big = LinuxHarness.Resolve(Models.Parse(OneNetwork(1100)));

        var refused = LinuxRenderer.Render(big, context, new LinuxCapabilities { NetdevMaxBacklog = 1000 });
        var raised = LinuxRenderer.Render(big, context, new LinuxCapabilities { NetdevMaxBacklog = 1106 });
        var flat = LinuxRenderer.Render(LinuxHarness.Resolve(Models.Parse(OneNetwork(999))), context, new LinuxCapabilities { NetdevMaxBacklog = 1000 });

        // 1,100 VNICs, the router's leg and three trunks of two ends: a flood from one port is queued for 1,106 others.
        var problem = Assert.Single(refused.Problems);
        Assert.Equal("network big", problem.Subject);
        Assert.Contains("1,107 bridge ports", problem.Message);
        Assert.Contains("net.core.netdev_max_backlog = 1,000", problem.Message);
        Assert.Contains("sysctl -w net.core.netdev_max_backlog=4096", problem.Message);
        Assert.Empty(raised.Problems);
        Assert.Empty(flat.Problems);   // 1,000 ports: a flood reaches 999
    }

    [Fact]
    public void Render_MoreVnicsThanTheHostsNeighbourTablesHold_IsAProblemPerFamilyNamingTheSysctl_AndFitsOnceRaised()
    {
        var context = new LinuxContext(new LinuxNaming("nv"), LinuxTools.Default);
        var zones = LinuxHarness.Resolve(Models.Parse(OneNetwork(600)));

        // 600 VNICs with IPv4 and IPv6: 1,200 entries per table, one for each zone's gateway and the gateway's for it.
        var refused = LinuxRenderer.Render(zones, context, new LinuxCapabilities { ArpTableLimit = 1024, NdTableLimit = 1024 });
        var ipv6Only = LinuxRenderer.Render(zones, context, new LinuxCapabilities { ArpTableLimit = 1200, NdTableLimit = 1199 });
        var raised = LinuxRenderer.Render(zones, context, new LinuxCapabilities { ArpTableLimit = 1200, NdTableLimit = 4096 });
        var unknown = LinuxRenderer.Render(zones, context, new LinuxCapabilities());

        Assert.Equal(2, refused.Problems.Count);
        Assert.All(refused.Problems, p => Assert.Equal("this host", p.Subject));
        var arp = Assert.Single(refused.Problems, p => p.Message.Contains("ARP table", StringComparison.Ordinal));
        Assert.Contains("600 VNICs with IPv4 addresses", arp.Message);
        Assert.Contains("net.ipv4.neigh.default.gc_thresh3 = 1,024", arp.Message);
        Assert.Contains("at least 1,200", arp.Message);
        Assert.Contains("sysctl -w net.ipv4.neigh.default.gc_thresh3=4096 net.ipv4.neigh.default.gc_thresh2=2048", arp.Message);
        Assert.Contains("net.ipv6.neigh.default.gc_thresh3 = 1,199", Assert.Single(ipv6Only.Problems).Message);
        Assert.Empty(raised.Problems);
        Assert.Empty(unknown.Problems);
    }

    [Fact]
    public void Plan_GrowingByOneVnic_MovesNoneWhileTheLeavesStayAndFewWhenOneIsAdded()
    {
        var vnics = Enumerable.Range(0, 3999).Select(i => $"z{i}/net0").ToList();
        var before = BridgeTree.Plan(vnics, 1, BridgeTreeLimits.Default);
        var plusOne = BridgeTree.Plan([.. vnics, "z3999/net0"], 1, BridgeTreeLimits.Default);
        var plusLeaf = BridgeTree.Plan([.. vnics, .. Enumerable.Range(3999, 601).Select(i => $"z{i}/net0")], 1, BridgeTreeLimits.Default);

        Assert.Equal(8, before.Leaves);
        Assert.All(vnics, v => Assert.Equal(before.LeafOf[v], plusOne.LeafOf[v]));
        Assert.Equal(10, plusLeaf.Leaves);
        var moved = vnics.Count(v => before.LeafOf[v] != plusLeaf.LeafOf[v]);
        Assert.InRange(moved, 1, vnics.Count / 4);   // about 2/10 move, all of them to the new leaves
        Assert.All(vnics.Where(v => before.LeafOf[v] != plusLeaf.LeafOf[v]), v => Assert.True(plusLeaf.LeafOf[v] >= 8));
    }

    [Fact]
    public void Plan_EveryLeafWithinCapacity_EvenWhenTheHashIsUneven()
    {
        var limits = new BridgeTreeLimits { FlatPorts = 10, LeafTarget = 10, LeafCapacity = 11 };
        var tree = BridgeTree.Plan([.. Enumerable.Range(0, 100).Select(i => $"z{i}/net0")], 0, limits);

        Assert.Equal(10, tree.Leaves);
        Assert.All(tree.LeafOf.GroupBy(p => p.Value), g => Assert.True(g.Count() <= 11, $"leaf {g.Key} has {g.Count()}"));
        Assert.Equal(tree.LeafOf, BridgeTree.Plan([.. Enumerable.Range(0, 100).Select(i => $"z{i}/net0").Reverse()], 0, limits).LeafOf);
    }

    [Fact]
    public async Task Apply1100Zones_OnAKernelWhoseBridgesTake1023Ports_ConvergesWithoutExchangeFull()
    {
        var host = new LinuxHarness(NewHost(bridgePorts: 1023), LinuxHarness.Resolve(Models.Parse(OneNetwork(1100))));

        await host.ConvergeAsync("apply of 1,100 zones");

        var desired = (await host.PlanAsync()).Desired;
        Assert.Equal(4, desired.Resources.Count(r => r.Kind == LinuxKinds.Bridge));
        await host.DestroyAllAsync("destroy of 1,100 zones");
    }

    [Fact]
    public async Task ApplyOfATree_KilledAtEveryKernelChange_NextApplyConvergesAndNextDestroyLeavesNothing()
    {
        var total = await KillAtEveryChangeAsync(from: null, to: Zones40.Value);
        output.WriteLine($"apply of a tree of 40 zones: killed at each of {total} kernel changes, every one converged");
    }

    [Fact]
    public async Task DestroyOfATree_KilledAtEveryKernelChange_NextApplyConvergesAndNextDestroyLeavesNothing()
    {
        var total = await KillAtEveryChangeAsync(from: Zones40.Value, to: null);
        output.WriteLine($"destroy of a tree of 40 zones: killed at each of {total} kernel changes, every one converged");
    }

    [Fact]
    public async Task ShrinkFromATreeToOneBridge_KilledAtEveryKernelChange_Converges()
    {
        var total = await KillAtEveryChangeAsync(from: Zones40.Value, to: Zones8.Value);
        output.WriteLine($"shrink from 40 zones (a tree) to 8 (one bridge): killed at each of {total} kernel changes, every one converged");
    }

    [Fact]
    public async Task GrowFromOneBridgeToATree_KilledAtEveryKernelChange_Converges()
    {
        var total = await KillAtEveryChangeAsync(from: Zones8.Value, to: Zones40.Value);
        output.WriteLine($"growth from 8 zones (one bridge) to 40 (a tree): killed at each of {total} kernel changes, every one converged");
    }

    // Applies `from` (null: nothing), then kills the run towards `to` (null: a destroy) after n kernel changes, for every n
    // until a run goes through; from each kill the next apply converges (to `to`, or back to `from` after a destroy) and a
    // destroy leaves nothing.
    private static async Task<long> KillAtEveryChangeAsync(NetworkModel? from, NetworkModel? to)
    {
        var target = to ?? from!;
        var reference = await ReferenceAsync(target);
        for (var n = 0L; ; n++)
        {
            var kernel = NewHost();
            if (from is not null)
            {
                await new LinuxHarness(kernel, from, trees: Small).ConvergeAsync("first apply");
            }

            kernel.DieAfter(n);
            var report = await new LinuxHarness(kernel, target, trees: Small).ApplyAsync(destroy: to is null);
            if (!kernel.Dead)
            {
                Assert.True(report is null || report.Succeeded, report?.Error);
                return n;
            }

            Assert.NotEqual(RunOutcome.Succeeded, report!.Outcome);
            kernel.Restart();
            var because = $"{(to is null ? "destroy" : $"apply of {to.Zones.Count} zones")} killed after {n} kernel changes";
            var destroyed = new LinuxHarness(kernel.Clone(), target, trees: Small);
            await new LinuxHarness(kernel, target, trees: Small).ConvergeAsync(because);
            Assert.True(kernel.Snapshot() == reference, $"{because}: the host differs from a clean apply");
            AssertPortsWithin(kernel, Small.KernelPorts);
            await destroyed.DestroyAllAsync(because);
        }
    }

    private static async Task<string> ReferenceAsync(NetworkModel model)
    {
        var host = new LinuxHarness(NewHost(), model, trees: Small);
        await host.ConvergeAsync("a clean apply");
        AssertPortsWithin(host.Kernel, Small.KernelPorts);
        return host.Kernel.Snapshot();
    }

    [Fact]
    public void Render_ContainerLeavesCountAsPortsOfTheDomainsBridge_SoItBecomesATreeBeforeItOverflows()
    {
        // Nine declared zones and the router's leg fill the flat bridge (Small: 10 ports flat, 13 at most); four
        // container leaves add four trunk ends to it, which would make 14.
        var resolved = LinuxHarness.Resolve(Models.Parse(OneNetwork(13)));
        var containers = resolved.Zones.Skip(9).Select((z, i) => z with
        {
            Name = $"c-{i}",
            Container = new ContainerSpec
            {
                Id = $"{i}",
                Netns = $"/run/netns/ctr{i}",
                Attachments = [new ContainerAttachmentSpec { Interface = "net0", CniNetwork = "big", Slot = i + 1 }],
            },
        });
        var model = resolved with { Zones = [.. resolved.Zones.Take(9), .. containers] };
        var result = LinuxRenderer.Render(model, new LinuxContext(new LinuxNaming("nv"), LinuxTools.Default) { Trees = Small }, new LinuxCapabilities());

        Assert.Empty(result.Problems);
        var ports = Ports(result.Desired);
        Assert.All(ports, p => Assert.True(p.Value <= Small.KernelPorts, $"{p.Key} has {p.Value} ports"));
        var naming = new LinuxNaming("nv");
        Assert.Equal(1 + 2 + 4, ports[naming.Bridge("stub0", 100)]); // the leg, two declared leaves' trunks, four container leaves' trunks
        Assert.All(Enumerable.Range(1, 4), slot => Assert.Equal(2, ports[naming.ContainerLeafBridge("stub0", 100, slot)])); // its container and its trunk
    }

    private static void AssertPortsWithin(FakeLinuxKernel kernel, int ports)
    {
        foreach (var bridge in kernel.BridgeNames())
        {
            Assert.InRange(kernel.PortsOf(bridge).Count, 0, ports);
        }
    }

    private static Dictionary<string, int> Ports(HostState desired) =>
        desired.Resources.Where(r => r.Kind == LinuxKinds.Veth || r.Kind == LinuxKinds.Leg).Select(r => r.Properties["bridge"]!)
            .Concat(desired.Resources.Where(r => r.Kind == LinuxKinds.Trunk).SelectMany(t => new[] { t.Properties["bridge"]!, t.Properties["root"]! }))
            .GroupBy(b => b).ToDictionary(g => g.Key, g => g.Count());
}
