using NetVirt.Backends.Containers;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Rendering;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>CNI attachments one at a time on the fake kernel: a network's full bridge is refused in words.</summary>
public sealed class LinuxContainerAttachTests
{
    // Bridges of 3 ports on the fake host: the router's leg and two containers.
    private static readonly BridgeTreeLimits Tiny = new() { KernelPorts = 3, FlatPorts = 3, LeafTarget = 2, LeafCapacity = 2, MaxVnics = 100 };

    [Fact]
    public async Task Attach_ToANetworkWhoseBridgeIsFull_IsRefusedNamingTheBridgeTheLimitAndWhatToDo_AndLeavesNothing()
    {
        var (infrastructure, kernel, containers) = await HostWithContainersAsync(3, Tiny);
        var backend = (IContainerBackend)LinuxHarness.Backend(kernel, trees: Tiny);

        await backend.AttachAsync(infrastructure, containers[0], "net0", CancellationToken.None);
        await backend.AttachAsync(infrastructure, containers[1], "net0", CancellationToken.None);
        var bridge = Assert.Single(kernel.BridgeNames());
        var ports = kernel.PortsOf(bridge);
        Assert.Equal(3, ports.Count);

        var refused = await Assert.ThrowsAsync<RequestRefusedException>(() => backend.AttachAsync(infrastructure, containers[2], "net0", CancellationToken.None));
        Assert.Contains($"the bridge {bridge} of network 'acme' holds 3 ports, the most a Linux bridge takes", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'netvirt apply'", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exchange full", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ports, kernel.PortsOf(bridge));
    }

    [Theory]
    [InlineData("/proc/1/ns/net", "is the host's own network namespace")]
    [InlineData("/run/netns/host-alias", "is the host's own network namespace")]
    [InlineData("/run/netns/" + LinuxHarness.Prefix + "-r-acme", "is one of NetVirt's own")]
    [InlineData("/run/netns/../netns/" + LinuxHarness.Prefix + "-z-web", "is one of NetVirt's own")]
    [InlineData("/run/netns/gone", "does not exist")]
    [InlineData("/proc/1/ns/mnt", "is not a network namespace")]
    public async Task Attach_IntoWhatIsNotAContainersNamespace_IsRefusedBeforeAnythingIsMade(string netns, string said)
    {
        // The defect: an ADD whose CNI_NETNS was the daemon's own namespace succeeded, and put the container's interface,
        // the tenant's address and its default route there: the host joined the tenant's network.
        var (infrastructure, kernel, containers) = await HostWithContainersAsync(1);
        kernel.NamespacePaths["/run/netns/host-alias"] = NetnsPathKind.Host; // a name mounted on the host's namespace
        kernel.NamespacePaths["/run/netns/gone"] = NetnsPathKind.Missing;
        kernel.NamespacePaths["/proc/1/ns/mnt"] = NetnsPathKind.NotANetworkNamespace;
        var container = containers[0] with { Container = containers[0].Container! with { Netns = netns } };
        var before = kernel.Mutations;

        var refused = await Assert.ThrowsAsync<InvalidInputException>(() => ((IContainerBackend)LinuxHarness.Backend(kernel)).AttachAsync(infrastructure, container, "net0", CancellationToken.None));

        Assert.Contains(said, refused.Message, StringComparison.Ordinal);
        Assert.Contains(netns, refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, kernel.Mutations);
    }

    [Fact]
    public async Task Detach_TakesTheHostEndDownAndOffItsBridgeAtOnce_DeletesThePairAfterwards_AndTheSameContainerAttachesAgainRightAway()
    {
        var (infrastructure, kernel, containers) = await HostWithContainersAsync(1);
        var container = containers[0];
        var linux = LinuxHarness.Backend(kernel);
        var backend = (IContainerBackend)linux;
        var hostEnd = (await backend.AttachAsync(infrastructure, container, "net0", CancellationToken.None)).HostInterface;
        var bridge = kernel.MasterOf(hostEnd)!;

        // DEL: down and off the bridge when it answers; the pair is still there, to be deleted.
        await backend.DetachAsync(infrastructure, container, "net0", CancellationToken.None);
        Assert.True(kernel.HasHostLink(hostEnd));
        Assert.False(kernel.IsHostLinkUp(hostEnd));
        Assert.Null(kernel.MasterOf(hostEnd));
        Assert.DoesNotContain(hostEnd, kernel.PortsOf(bridge));
        Assert.Equal(1, linux.DetachedHostEnds.Pending);

        // ADD of the same container right away: the old pair goes first, and the new one is on the bridge and up.
        await backend.AttachAsync(infrastructure, container, "net0", CancellationToken.None);
        Assert.Equal(0, linux.DetachedHostEnds.Pending);
        Assert.Equal(bridge, kernel.MasterOf(hostEnd));
        Assert.True(kernel.IsHostLinkUp(hostEnd));

        // DEL again, and the deletion after it.
        await backend.DetachAsync(infrastructure, container, "net0", CancellationToken.None);
        Assert.Equal(1, linux.DetachedHostEnds.Pending);
        await backend.CollectDetachedAsync(CancellationToken.None);
        Assert.False(kernel.HasHostLink(hostEnd));
        Assert.Equal(0, linux.DetachedHostEnds.Pending);
    }

    [Fact]
    public async Task DaemonRestartedBetweenDetachAndRelease_TheRepeatedAddPutsTheDetachedHostEndBackOnItsBridge()
    {
        var (infrastructure, kernel, containers) = await HostWithContainersAsync(1);
        var container = containers[0];
        var hostEnd = (await LinuxHarness.Backend(kernel).AttachAsync(infrastructure, container, "net0", CancellationToken.None)).HostInterface;
        var bridge = kernel.MasterOf(hostEnd)!;
        await LinuxHarness.Backend(kernel).DetachAsync(infrastructure, container, "net0", CancellationToken.None);

        // A new daemon knows nothing of the detached end; the attachment is still stored, so the runtime's ADD repeats.
        var backend = (IContainerBackend)LinuxHarness.Backend(kernel);
        await backend.AttachAsync(infrastructure, container, "net0", CancellationToken.None);
        Assert.Equal(bridge, kernel.MasterOf(hostEnd));
        Assert.True(kernel.IsHostLinkUp(hostEnd));
        Assert.Empty(await backend.CheckAsync(infrastructure, container, "net0", CancellationToken.None));
    }

    /// <summary>
    /// A fake host with the network of <see cref="LinuxBridgeTreeTests.OneNetwork"/> applied without its zones, and those
    /// <paramref name="count"/> zones as containers c-0, c-1, … (namespace /run/netns/ctrN, interface net0 on acme-net, in
    /// <paramref name="slots"/>, else slot 0), with their namespaces made.
    /// </summary>
    private static async Task<(NetworkModel Infrastructure, FakeLinuxKernel Kernel, List<ZoneSpec> Containers)> HostWithContainersAsync(
        int count, BridgeTreeLimits? trees = null, int[]? slots = null)
    {
        var resolved = LinuxHarness.Resolve(Models.Parse(LinuxBridgeTreeTests.OneNetwork(count, network: "acme")));
        var infrastructure = resolved with { Zones = [] };
        var kernel = new FakeLinuxKernel { BridgePorts = trees?.KernelPorts ?? 1023 };
        kernel.AddHostLink("eth0");
        await new LinuxHarness(kernel, infrastructure, trees: trees).ConvergeAsync("the network without zones");
        var containers = resolved.Zones.Select((z, i) => z with
        {
            Name = $"c-{i}",
            Container = new ContainerSpec
            {
                Id = $"{i}",
                Netns = $"/run/netns/ctr{i}",
                Attachments = [new ContainerAttachmentSpec { Interface = "net0", CniNetwork = "acme-net", Slot = slots?[i] ?? 0 }],
            },
        }).ToList();
        ((ILinuxKernel)kernel).CreateNamespaces([.. containers.Select(c => LinuxNaming.ContainerNetns(c.Name, c.Container!.Netns!))], 1, _ => { });
        return (infrastructure, kernel, containers);
    }

    [Fact]
    public async Task Attach_InASlotOfItsOwn_MakesItsContainerLeafAndTrunk_AndAnApplyKeepsEveryContainerWhereItIs()
    {
        // Slots 0, 2 and 2: the network's bridge, then twice the second container leaf.
        var (infrastructure, kernel, containers) = await HostWithContainersAsync(3, slots: [0, 2, 2]);
        var backend = (IContainerBackend)LinuxHarness.Backend(kernel);
        foreach (var container in containers)
        {
            await backend.AttachAsync(infrastructure, container, "net0", CancellationToken.None);
        }

        var naming = new LinuxNaming(LinuxHarness.Prefix);
        var root = naming.Bridge("stub0", 100);
        var leaf = naming.ContainerLeafBridge("stub0", 100, 2);
        Assert.Equal(new[] { root, leaf }.Order(StringComparer.Ordinal), kernel.BridgeNames().Order(StringComparer.Ordinal));
        Assert.Equal(root, kernel.MasterOf(naming.VnicHostEnd("c-0", "net0")));
        Assert.Equal(leaf, kernel.MasterOf(naming.VnicHostEnd("c-1", "net0")));
        Assert.Equal(leaf, kernel.MasterOf(naming.VnicHostEnd("c-2", "net0")));
        // One trunk joins the leaf to the network's bridge, where the router's leg is.
        Assert.Equal(leaf, kernel.MasterOf(naming.TrunkLeafEnd(leaf)));
        Assert.Equal(root, kernel.MasterOf(naming.TrunkRootEnd(leaf)));
        Assert.Equal(3, kernel.PortsOf(leaf).Count);
        Assert.Equal(3, kernel.PortsOf(root).Count); // the leg, the slot-0 container, the trunk

        // Each container's interface is as quiet as a zone's: no duplicate address detection, no router solicitations
        // (its namespace is the runtime's, so the settings are the interface's own).
        foreach (var container in containers)
        {
            var netns = LinuxNaming.ContainerNetns(container.Name, container.Container!.Netns!);
            Assert.Equal("0", kernel.SysctlIn(netns, "net/ipv6/conf/net0/accept_dad"));
            Assert.Equal("0", kernel.SysctlIn(netns, "net/ipv6/conf/net0/router_solicitations"));
            Assert.Null(kernel.SysctlIn(netns, "net/ipv6/conf/default/router_solicitations"));
        }

        // CHECK finds each where the store says it is, and a whole apply of the host with the containers moves nothing.
        foreach (var container in containers)
        {
            Assert.Empty(await backend.CheckAsync(infrastructure, container, "net0", CancellationToken.None));
        }

        var (plan, _) = await new LinuxHarness(kernel, infrastructure with { Zones = [.. containers] }).PlanAsync();
        Assert.True(plan.IsEmpty, string.Join("\n", plan.Steps));
    }

    [Fact]
    public async Task FirstContainerOfALeaf_KilledAfterEveryKernelChange_TheRepeatedAddLeavesLeafTrunkAndContainerWhole()
    {
        var naming = new LinuxNaming(LinuxHarness.Prefix);
        var root = naming.Bridge("stub0", 100);
        var leaf = naming.ContainerLeafBridge("stub0", 100, 1);
        for (var n = 0L; ; n++)
        {
            var (infrastructure, kernel, containers) = await HostWithContainersAsync(1, slots: [1]);
            var container = containers[0];
            kernel.DieAfter(n);
            try
            {
                await ((IContainerBackend)LinuxHarness.Backend(kernel)).AttachAsync(infrastructure, container, "net0", CancellationToken.None);
            }
            catch (Exception) when (kernel.Dead)
            {
                // killed: the runtime calls ADD again (or DEL, then ADD)
            }

            var killed = kernel.Dead;
            kernel.Restart();
            var backend = (IContainerBackend)LinuxHarness.Backend(kernel);
            await backend.AttachAsync(infrastructure, container, "net0", CancellationToken.None);
            var because = $"killed after {n} kernel changes";
            Assert.True(leaf == kernel.MasterOf(naming.TrunkLeafEnd(leaf)), because);
            Assert.True(root == kernel.MasterOf(naming.TrunkRootEnd(leaf)), because);
            Assert.True(leaf == kernel.MasterOf(naming.VnicHostEnd("c-0", "net0")), because);
            Assert.True((await backend.CheckAsync(infrastructure, container, "net0", CancellationToken.None)).Count == 0, because);
            if (!killed)
            {
                Assert.True(n > 3, "the attachment made fewer changes than a leaf, its trunk and the interface need");
                return;
            }
        }
    }
}
