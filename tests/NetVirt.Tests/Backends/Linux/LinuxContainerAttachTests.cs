using NetVirt.Backends.Containers;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Rendering;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
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
        var resolved = LinuxHarness.Resolve(Models.Parse(LinuxBridgeTreeTests.OneNetwork(3, network: "acme")));
        var infrastructure = resolved with { Zones = [] };
        var kernel = new FakeLinuxKernel { BridgePorts = Tiny.KernelPorts };
        kernel.AddHostLink("eth0");
        await new LinuxHarness(kernel, infrastructure, trees: Tiny).ConvergeAsync("the network without zones");
        var backend = (IContainerBackend)LinuxHarness.Backend(kernel, trees: Tiny);

        var containers = resolved.Zones.Select((z, i) => z with
        {
            Name = $"c-{i}",
            Container = new ContainerSpec
            {
                Id = $"{i}",
                Netns = $"/run/netns/ctr{i}",
                Attachments = [new ContainerAttachmentSpec { Interface = "net0", CniNetwork = "acme-net" }],
            },
        }).ToList();
        ((ILinuxKernel)kernel).CreateNamespaces([.. containers.Select(c => LinuxNaming.ContainerNetns(c.Name, c.Container!.Netns!))], 1, _ => { });

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
}
