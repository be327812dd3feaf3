using System.Net;
using NetVirt.Audit.Capture;
using NetVirt.Audit.Probes;
using NetVirt.Integration.Cni;
using NetVirt.Integration.Infrastructure;
using PacketDotNet;

namespace NetVirt.Integration.Linux;

/// <summary>
/// A zone cannot reach the host through NetVirt's bridges: a bridge is an interface of the host, and without the
/// "host-isolated" rule the host answered a zone's ARP for any of its own addresses and took what the zone sent it.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class HostIsolationTests
{
    [LinuxRootFact]
    public async Task Zone_AsksForAnAddressOfTheHost_GetsNoAnswer_ButItsGatewayAnswers_AndNetVirtsHostLinksHaveNoAddress()
    {
        await using var lab = await LinuxLab.CreateAsync();
        Assert.True((await lab.ApplyAsync()).Succeeded);

        // NetVirt's links in the host namespace (bridges, host ends) carry no address, not even a link-local one: a bridge
        // brought up before its address generation mode was applied got one, and solicited routers into the networks.
        var addressed = (await Tool.RunAsync("/usr/sbin/ip", ["-o", "-6", "address", "show"])).Ok("ip address show").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var name, ..] && name.StartsWith(lab.Prefix + "-", StringComparison.Ordinal))
            .ToList();
        Assert.True(addressed.Count == 0, string.Join('\n', addressed));

        // An address of the host's own, on an interface this test makes (and removes) in the host namespace: a veth
        // pair with both ends there (this kernel has no dummy interfaces), up, so that the address is local.
        var hostLink = $"{lab.Prefix}hd";
        var hostAddress = IPAddress.Parse("198.51.100.77");
        (await Tool.RunAsync("/usr/sbin/ip", ["link", "add", hostLink, "type", "veth", "peer", "name", $"{lab.Prefix}he"])).Ok("ip link add veth");
        try
        {
            (await Tool.RunAsync("/usr/sbin/ip", ["address", "add", $"{hostAddress}/32", "dev", hostLink])).Ok("ip address add");
            foreach (var end in new[] { $"{lab.Prefix}he", hostLink })
            {
                (await Tool.RunAsync("/usr/sbin/ip", ["link", "set", end, "addrgenmode", "none"])).Ok("ip link set addrgenmode");
                (await Tool.RunAsync("/usr/sbin/ip", ["link", "set", end, "up"])).Ok("ip link set up");
            }

            using var zone = new SharpPcapCaptureEngine().Open(lab.Netns("acme-web1"), "net0");
            zone.SetFilter("arp");
            var mac = lab.MacOf("acme-web1");
            var own = lab.AddressOf("acme-web1");

            // The control: the gateway, on the router's leg, is a port of the same bridge and answers (forwarded, not
            // delivered to the host); the host's address gets no answer.
            Assert.True(await AnsweredAsync(zone, mac, own, IPAddress.Parse("10.100.0.1")), "the gateway did not answer ARP: the probe proves nothing");
            Assert.False(await AnsweredAsync(zone, mac, own, hostAddress), "the host answered a zone's ARP for its own address through NetVirt's bridge");
        }
        finally
        {
            await Tool.RunAsync("/usr/sbin/ip", ["link", "delete", hostLink]);
        }

        // A bridge that has an address anyway (made by an earlier version, whose bridges got a link-local one, or given
        // by hand) loses it at the next apply, and gets its address generation mode back, so none comes back later.
        var bridge = new NetVirt.Backends.Linux.Resources.LinuxNaming(lab.Prefix).Bridge("stub0", 100);
        (await Tool.RunAsync("/usr/sbin/ip", ["link", "set", bridge, "addrgenmode", "eui64"])).Ok("ip link set addrgenmode");
        (await Tool.RunAsync("/usr/sbin/ip", ["address", "add", "fe80::8:20ff:fe00:99/64", "dev", bridge])).Ok("ip address add");
        Assert.True((await lab.ApplyAsync()).Succeeded);
        var left = (await Tool.RunAsync("/usr/sbin/ip", ["-o", "address", "show", "dev", bridge])).Ok("ip address show").Stdout;
        Assert.True(left.Trim().Length == 0, left);
        Assert.Contains("addrgenmode none", (await Tool.RunAsync("/usr/sbin/ip", ["-d", "link", "show", bridge])).Ok("ip -d link show").Stdout, StringComparison.Ordinal);
    }

    // Sends an ARP request for target from the zone's interface (the audit's own builder) and waits up to a second for a reply from target.
    private static async Task<bool> AnsweredAsync(ICaptureHandle zone, NetVirt.Model.Addressing.MacAddress mac, IPAddress own, IPAddress target)
    {
        var frame = new byte[128];
        zone.Inject(frame.AsSpan(0, ProbeFrames.Arp(frame, mac, NetVirt.Model.Addressing.MacAddress.Broadcast, mac, own, target, new ProbeTag(0x3001))));
        var answered = false;
        var until = DateTime.UtcNow.AddSeconds(1);
        while (!answered && DateTime.UtcNow < until)
        {
            zone.Receive((f, _) => answered |= Packet.ParsePacket(LinkLayers.Ethernet, f.ToArray()).Extract<ArpPacket>() is { Operation: ArpOperation.Response } reply
                && reply.SenderProtocolAddress.Equals(target), 64);
            await Task.Delay(20);
        }

        return answered;
    }
}
