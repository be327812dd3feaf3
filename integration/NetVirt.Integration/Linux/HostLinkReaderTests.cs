using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Tc;
using NetVirt.Integration.Audit;
using NetVirt.Integration.Infrastructure;

namespace NetVirt.Integration.Linux;

/// <summary>
/// The host's links as observation reads them (sysfs and ioctls, <see cref="HostLinkReader"/>) against an rtnetlink
/// dump of the same host: every property observation uses must match, for every kind NetVirt makes there.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class HostLinkReaderTests
{
    [LinuxRootFact]
    public async Task HostLinks_ReadWithoutADump_MatchADump()
    {
        await using var lab = await LinuxLab.CreateAsync();
        var report = await lab.ApplyAsync();
        Assert.True(report.Succeeded, report.Error);
        // Kinds the sample does not make: a VXLAN port with learning off, a macvlan, a veth pair with both ends on the host, one of them a foreign port.
        var bridge = Directory.EnumerateFileSystemEntries("/sys/class/net", lab.Prefix + "-*").First(d => Directory.Exists(Path.Combine(d, "bridge")));
        bridge = Path.GetFileName(bridge);
        await Ip("link", "add", $"{lab.Prefix}-x", "type", "vxlan", "id", "4242", "dstport", "4789", "local", "127.0.0.1", "nolearning");
        await Ip("link", "set", $"{lab.Prefix}-x", "master", bridge, "alias", "netvirt vxlan test");
        await Ip("link", "set", $"{lab.Prefix}-x", "type", "bridge_slave", "learning", "off");
        await Ip("link", "add", $"{lab.Prefix}phy0", "type", "veth", "peer", "name", $"{lab.Prefix}phy1");
        await Ip("link", "set", $"{lab.Prefix}phy0", "master", bridge, "up");
        await Ip("link", "add", $"{lab.Prefix}-m", "link", $"{lab.Prefix}phy1", "type", "macvlan", "mode", "bridge");

        var read = HostLinkReader.Read().Where(l => l.Name.StartsWith(lab.Prefix, StringComparison.Ordinal)).ToDictionary(l => l.Name);
        using var socket = NetlinkSocket.Open();
        var dumped = Dumps.Links(socket).Where(l => l.Name.StartsWith(lab.Prefix, StringComparison.Ordinal)).ToList();

        Assert.True(dumped.Count > 20, $"only {dumped.Count} links with the prefix");
        Assert.Contains(dumped, l => l.Kind == "ifb");
        Assert.Equal(dumped.Select(l => l.Name).Order(), read.Keys.Order());
        foreach (var expected in dumped)
        {
            var actual = read[expected.Name];
            var what = $"{expected.Name} ({expected.Kind})";
            Assert.True(expected.Index == actual.Index, $"{what}: index {actual.Index}, dump {expected.Index}");
            Assert.True(expected.Kind == actual.Kind, $"{what}: kind {actual.Kind}");
            Assert.True(expected.IsUp == actual.IsUp, $"{what}: up {actual.IsUp}");
            Assert.True(expected.Mtu == actual.Mtu, $"{what}: mtu {actual.Mtu}");
            Assert.True(expected.Mac == actual.Mac, $"{what}: mac {actual.Mac}, dump {expected.Mac}");
            Assert.True(expected.Master == actual.Master, $"{what}: master {actual.Master}, dump {expected.Master}");
            Assert.True(expected.Alias == actual.Alias, $"{what}: alias '{actual.Alias}', dump '{expected.Alias}'");
            Assert.True(expected.Link == actual.Link, $"{what}: peer {actual.Link}, dump {expected.Link}");
            Assert.True(expected.Vxlan == actual.Vxlan, $"{what}: vxlan {actual.Vxlan}, dump {expected.Vxlan}");
            if (expected.Kind == "vxlan")
            {
                Assert.Equal(expected.PortLearning, actual.PortLearning);
            }
        }

        // And the host's own links, which are no one's here.
        var lo = HostLinkReader.Read().Single(l => l.Name == "lo");
        Assert.Null(lo.Kind);
        Assert.True(lo.IsUp);
    }

    [LinuxRootFact]
    public async Task TrafficControl_ReadByNetlink_MatchesTc()
    {
        await using var lab = await LinuxLab.CreateAsync();
        var report = await lab.ApplyAsync();
        Assert.True(report.Succeeded, report.Error);
        var devices = HostLinkReader.Read().Where(l => l.Name.StartsWith(lab.Prefix + "-", StringComparison.Ordinal) && l.Kind == "veth").Select(l => l.Name).ToList();

        var observed = await new ProcessTrafficControl(new ProcessCommandRunner(), "/usr/sbin/tc").ObserveAsync(devices, CancellationToken.None);
        var lines = string.Join('\n', ["qdisc show", .. devices.Select(d => $"filter show dev {d} ingress")]) + "\n";
        var tc = await new ProcessCommandRunner().RunAsync(CommandSpec.Of("/usr/sbin/tc", "-j", "-batch", "-") with { StandardInput = lines }, CancellationToken.None);
        Assert.True(tc.Succeeded, tc.Stderr);
        var expected = TcJson.Parse(tc.Stdout, devices);

        bool Mine(string device) => device.StartsWith(lab.Prefix, StringComparison.Ordinal);
        Assert.Contains(expected.TbfRates.Keys, Mine);
        Assert.Contains(expected.Redirects.Keys, Mine);
        Assert.Equal(expected.TbfRates.Where(r => Mine(r.Key)).OrderBy(r => r.Key), observed.TbfRates.Where(r => Mine(r.Key)).OrderBy(r => r.Key));
        Assert.Equal(expected.Ingress.Where(Mine).Order(), observed.Ingress.Where(Mine).Order());
        Assert.Equal(expected.Redirects.OrderBy(r => r.Key), observed.Redirects.OrderBy(r => r.Key));
    }

    private static async Task Ip(params string[] arguments)
    {
        var result = await NamespacePair.RunAsync("/usr/sbin/ip", arguments);
        Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', arguments)}: {result.Stderr}");
    }
}
