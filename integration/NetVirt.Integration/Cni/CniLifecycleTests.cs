using System.Text.Json;
using NetVirt.Integration.Infrastructure;
using NetVirt.Model.Topology;

namespace NetVirt.Integration.Cni;

/// <summary>
/// Containers beside the declared state, and what happens when things go wrong: a whole-host plan leaves running
/// containers alone, drift sees a container's host end moved, destroy removes their host side only; DEL after the
/// namespace is gone, DEL twice, a daemon that is down (code 11) and back.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class CniLifecycleTests
{
    private static string OneTenant(string prefix) => """
        etherstubs: [{name: stub0}]
        networks:
          - {name: red, tenant: red, over: stub0, vlan: 100, ipv4: {subnet: 10.63.0.0/24, gateway: 10.63.0.1}}
          - {name: blue, tenant: blue, over: stub0, vlan: 200, ipv4: {subnet: 10.64.0.0/24, gateway: 10.64.0.1}}
        zones:
          - name: declared1
            vnics: [{name: net0, network: red, addresses: [{tag: v4, address: auto}]}]
        """;

    [LinuxRootFact]
    public async Task WholeHostPlanDriftAndDestroy_SeeContainersAndLeaveTheirNamespaces()
    {
        await using var lab = await RuntimeLab.StartAsync(OneTenant);
        await using var podman = new Podman(lab);
        var container = await podman.StartAsync("c1", "red");
        var peer = await podman.StartAsync("c2", "red");
        var peerIp = await podman.Ipv4Async(peer);

        var plan = await lab.NetvirtAsync("plan");
        Assert.True(plan.ExitCode == 0 && plan.Stdout.Contains("No changes", StringComparison.OrdinalIgnoreCase), plan.Stdout + plan.Stderr);
        Assert.Equal(0, (await lab.NetvirtAsync("drift")).ExitCode);
        (await podman.ExecAsync(container, "ping", "-c", "1", "-W", "2", peerIp)).Ok("ping before a whole-host apply");
        var applied = (await lab.NetvirtAsync("apply", "--auto-approve")).Ok("apply with containers running");
        (await podman.ExecAsync(container, "ping", "-c", "1", "-W", "2", peerIp)).Ok($"ping after a whole-host apply ({applied.Stdout})");

        // Drift: the container's host end moved to blue's bridge by hand; apply puts it back.
        var links = JsonDocument.Parse((await Tool.RunAsync("/usr/sbin/ip", ["-j", "-d", "link", "show"])).Ok("ip link").Stdout).RootElement.EnumerateArray().ToList();
        var containerZone = (await lab.NetvirtJsonAsync("show", "zones")).EnumerateArray().First(z => z.GetProperty("kind").GetString() == "container").GetProperty("name").GetString()!;
        var hostEnd = links.First(l => l.TryGetProperty("ifalias", out var a) && a.GetString()!.Contains($"@{containerZone}@", StringComparison.Ordinal)).GetProperty("ifname").GetString()!;
        var declaredEnd = links.First(l => l.TryGetProperty("ifalias", out var a) && a.GetString()!.Contains(" declared1/net0", StringComparison.Ordinal)).GetProperty("ifname").GetString()!;
        var redBridge = links.Single(l => l.GetProperty("ifname").GetString() == declaredEnd).GetProperty("master").GetString()!;
        (await lab.NetvirtAsync("apply", "-f", Path.Combine(lab.Directory, "network.yaml"), "--auto-approve")).Ok("apply again");
        var blueBridge = JsonDocument.Parse((await Tool.RunAsync("/usr/sbin/ip", ["-j", "link", "show", "type", "bridge"])).Ok("bridges").Stdout).RootElement.EnumerateArray()
            .Select(l => l.GetProperty("ifname").GetString()!).First(n => n.StartsWith(lab.Prefix + "-", StringComparison.Ordinal) && n != redBridge);
        (await Tool.RunAsync("/usr/sbin/ip", ["link", "set", hostEnd, "master", blueBridge])).Ok("move the host end");
        var drift = await lab.NetvirtAsync("drift");
        Assert.True(drift.ExitCode == 3, drift.Stdout + drift.Stderr);
        Assert.Contains(containerZone, drift.Stdout, StringComparison.Ordinal);
        (await lab.NetvirtAsync("apply", "--auto-approve")).Ok("repair");
        Assert.Equal(0, (await lab.NetvirtAsync("drift")).ExitCode);

        // Destroy: the host side goes, the runtime's namespace stays (the container runs on, without eth0).
        (await lab.NetvirtAsync("destroy", "--auto-approve")).Ok("destroy");
        var inside = (await podman.ExecAsync(container, "ip", "-o", "link")).Ok("the container still runs");
        Assert.DoesNotContain("eth0", inside.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(JsonDocument.Parse((await Tool.RunAsync("/usr/sbin/ip", ["-j", "link", "show"])).Stdout).RootElement.EnumerateArray(),
            l => l.GetProperty("ifname").GetString()!.StartsWith(lab.Prefix + "-", StringComparison.Ordinal));
    }

    // A network whose bridge is full of declared zones for containers (ContainerSlots): z0 at a known address.
    private static string Crowded(string prefix) =>
        """
        etherstubs: [{name: stub0}]
        networks:
          - {name: red, tenant: red, over: stub0, vlan: 100, ipv4: {subnet: 10.65.0.0/22, gateway: 10.65.0.1}}
        zones:
          - {name: z0, vnics: [{name: net0, network: red, addresses: [{tag: v4, address: 10.65.0.10}]}]}

        """ + string.Concat(Enumerable.Range(1, ContainerSlots.PortsPerSlot - 1).Select(i =>
            $"  - {{name: z{i}, vnics: [{{name: net0, network: red, addresses: [{{tag: v4, address: auto}}]}}]}}\n"));

    [LinuxRootFact]
    public async Task Containers_PastTheRoomOnTheNetworksBridge_GoToAContainerLeaf_ReachItsZonesAndGateway_AndApplyRemovesTheLeafOnceEmpty()
    {
        await using var lab = await RuntimeLab.StartAsync(Crowded);
        var naming = new NetVirt.Backends.Linux.Resources.LinuxNaming(lab.Prefix);
        var root = naming.Bridge("stub0", 100);
        var leaf = naming.ContainerLeafBridge("stub0", 100, 1);
        var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(lab.ConfDir, "netvirt-red.conflist"))).RootElement;
        var entry = System.Text.Json.Nodes.JsonNode.Parse(config.GetProperty("plugins")[0].GetRawText())!.AsObject();
        entry["cniVersion"] = "1.0.0";
        entry["name"] = "red";
        var stdin = entry.ToJsonString();
        // Not the deployment's prefix: the apply below would take a namespace named with it for its own.
        var netns = $"{lab.Prefix}x-ctr1";
        Dictionary<string, string> Env(string command) => new()
        {
            ["CNI_COMMAND"] = command, ["CNI_CONTAINERID"] = "crowded1", ["CNI_NETNS"] = $"/run/netns/{netns}", ["CNI_IFNAME"] = "eth0", ["CNI_PATH"] = lab.PluginDir,
        };
        var plugin = Path.Combine(lab.PluginDir, "netvirt");
        (await Tool.RunAsync("/usr/sbin/ip", ["netns", "add", netns])).Ok("ip netns add");
        try
        {
            (await Tool.RunAsync(plugin, [], Env("ADD"), stdin: stdin)).Ok("ADD");
            async Task<string?> MasterOf(string link) => JsonDocument.Parse((await Tool.RunAsync("/usr/sbin/ip", ["-j", "link", "show", link])).Ok($"ip link show {link}").Stdout)
                .RootElement[0].TryGetProperty("master", out var m) ? m.GetString() : null;
            var onLeaf = JsonDocument.Parse((await Tool.RunAsync("/usr/sbin/ip", ["-j", "link", "show", "master", leaf])).Ok("ports of the container leaf").Stdout)
                .RootElement.EnumerateArray().Select(l => l.GetProperty("ifname").GetString()!).ToList();
            Assert.Equal(new[] { naming.VnicHostEnd(NetVirt.Model.Spec.ContainerNames.ZoneName("crowded1"), "eth0"), naming.TrunkLeafEnd(leaf) }.Order(StringComparer.Ordinal), onLeaf.Order(StringComparer.Ordinal));
            Assert.Equal(root, await MasterOf(naming.TrunkRootEnd(leaf)));

            // The interface is quiet in the runtime's namespace: no router solicitations and no duplicate address detection
            // flooded to every port of the network.
            foreach (var setting in new[] { "router_solicitations", "accept_dad" })
            {
                var value = (await Tool.RunAsync("/usr/sbin/ip", ["netns", "exec", netns, "cat", $"/proc/sys/net/ipv6/conf/eth0/{setting}"])).Ok(setting).Stdout.Trim();
                Assert.True(value == "0", $"{setting} = {value}");
            }

            // Across the trunk to a declared zone on the network's bridge, and to the router's leg there.
            foreach (var target in new[] { "10.65.0.10", "10.65.0.1" })
            {
                (await Tool.RunAsync("/usr/sbin/ip", ["netns", "exec", netns, "ping", "-c", "12", "-i", "0.2", "-W", "1", "-q", target])).Ok($"ping {target} from the container leaf");
            }

            (await Tool.RunAsync(plugin, [], Env("DEL"), stdin: stdin)).Ok("DEL");
            Assert.Equal(0, (await Tool.RunAsync("/usr/sbin/ip", ["link", "show", leaf])).ExitCode); // kept for the next container
            (await lab.NetvirtAsync("apply", "--auto-approve")).Ok("apply after the last container left the leaf");
            Assert.NotEqual(0, (await Tool.RunAsync("/usr/sbin/ip", ["link", "show", leaf])).ExitCode);
            Assert.NotEqual(0, (await Tool.RunAsync("/usr/sbin/ip", ["link", "show", naming.TrunkRootEnd(leaf)])).ExitCode);
        }
        finally
        {
            await Tool.RunAsync("/usr/sbin/ip", ["netns", "del", netns]);
        }
    }

    [LinuxRootFact]
    public async Task Plugin_NeverReadsTheHostsMountTable()
    {
        // The runtime's cgroup lookups read all of /proc/self/mountinfo before Main, which grows with the containers on
        // the host (src/NetVirt.Cni.Plugin/Native/no_cgroup_scan.c): the published plugin must not open it.
        var traced = await Tool.RunAsync("/usr/bin/strace", ["-f", "-e", "trace=openat", RuntimeLab.PluginBinary],
            new Dictionary<string, string> { ["CNI_COMMAND"] = "VERSION" }, stdin: """{"cniVersion":"1.0.0"}""");
        Assert.True(traced.ExitCode == 0, traced.Stdout + traced.Stderr);
        Assert.Contains("\"supportedVersions\"", traced.Stdout, StringComparison.Ordinal);
        Assert.Contains("openat(", traced.Stderr, StringComparison.Ordinal); // strace saw the plugin's opens
        Assert.DoesNotContain("/proc/self/mountinfo", traced.Stderr, StringComparison.Ordinal);
    }

    [LinuxRootFact]
    public async Task Del_AfterTheNamespaceIsGone_AndTwice_Releases()
    {
        await using var lab = await RuntimeLab.StartAsync(OneTenant);
        var netns = $"{lab.Prefix}-ctr1";
        (await Tool.RunAsync("/usr/sbin/ip", ["netns", "add", netns])).Ok("ip netns add");
        var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(lab.ConfDir, "netvirt-red.conflist"))).RootElement;
        var entry = System.Text.Json.Nodes.JsonNode.Parse(config.GetProperty("plugins")[0].GetRawText())!.AsObject();
        entry["cniVersion"] = "1.0.0";
        entry["name"] = "red";
        var stdin = entry.ToJsonString();
        Dictionary<string, string> Env(string command, string netnsPath) => new()
        {
            ["CNI_COMMAND"] = command, ["CNI_CONTAINERID"] = "gone1", ["CNI_NETNS"] = netnsPath, ["CNI_IFNAME"] = "eth0", ["CNI_PATH"] = lab.PluginDir,
        };
        var plugin = Path.Combine(lab.PluginDir, "netvirt");
        var add = (await Tool.RunAsync(plugin, [], Env("ADD", $"/run/netns/{netns}"), stdin: stdin)).Ok("ADD");
        var ip = JsonDocument.Parse(add.Stdout).RootElement.GetProperty("ips")[0].GetProperty("address").GetString()!.Split('/')[0];
        Assert.Equal("held", (await lab.WhoAsync(ip)).State);
        (await Tool.RunAsync("/usr/sbin/ip", ["netns", "del", netns])).Ok("ip netns del");
        (await Tool.RunAsync(plugin, [], Env("DEL", $"/run/netns/{netns}"), stdin: stdin)).Ok("DEL with the namespace gone");
        Assert.Equal("released", (await lab.WhoAsync(ip)).State);
        (await Tool.RunAsync(plugin, [], Env("DEL", ""), stdin: stdin)).Ok("DEL again, no namespace");
    }

    [LinuxRootFact]
    public async Task Add_NamespacePathsNetVirtCannotRecord_AreRefusedNamingThePath_AndNothingIsHeld()
    {
        // A path with a space was attached, but the host end's alias, read back split at spaces, no longer named the
        // container's interface, so observation lost the container; a path this long does not fit the nftables comment
        // that names the container's elements. Both are namespaces a runtime could mount; both are refused, nothing stays.
        await using var lab = await RuntimeLab.StartAsync(OneTenant);
        var netns = $"{lab.Prefix}-odd";
        (await Tool.RunAsync("/usr/sbin/ip", ["netns", "add", netns])).Ok("ip netns add");
        var spaced = Path.Combine(lab.Directory, "ns with space");
        var deep = Path.Combine(lab.Directory, new string('d', 100), "net");
        Directory.CreateDirectory(Path.GetDirectoryName(deep)!);
        try
        {
            foreach (var path in new[] { spaced, deep })
            {
                await File.WriteAllBytesAsync(path, []);
                (await Tool.RunAsync("/usr/bin/mount", ["--bind", $"/run/netns/{netns}", path])).Ok("mount --bind");
            }

            var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(lab.ConfDir, "netvirt-red.conflist"))).RootElement;
            var entry = System.Text.Json.Nodes.JsonNode.Parse(config.GetProperty("plugins")[0].GetRawText())!.AsObject();
            entry["cniVersion"] = "1.0.0";
            entry["name"] = "red";
            var plugin = Path.Combine(lab.PluginDir, "netvirt");
            foreach (var (path, id, why) in new[] { (spaced, "odd1", "whitespace"), (deep, "odd2", "too long") })
            {
                var env = new Dictionary<string, string>
                {
                    ["CNI_COMMAND"] = "ADD", ["CNI_CONTAINERID"] = id, ["CNI_NETNS"] = path, ["CNI_IFNAME"] = "eth0", ["CNI_PATH"] = lab.PluginDir,
                };
                var add = await Tool.RunAsync(plugin, [], env, stdin: entry.ToJsonString());
                Assert.True(add.ExitCode != 0, $"ADD with CNI_NETNS '{path}' succeeded: {add.Stdout}");
                var error = JsonDocument.Parse(add.Stdout).RootElement;
                Assert.Equal(7, error.GetProperty("code").GetInt32());
                var message = error.GetProperty("msg").GetString() + " " + (error.TryGetProperty("details", out var details) ? details.GetString() : "");
                Assert.Contains(path, message, StringComparison.Ordinal);
                Assert.Contains(why, message, StringComparison.Ordinal);
            }

            Assert.Equal(["declared1"], (await lab.NetvirtJsonAsync("show", "zones")).EnumerateArray().Select(z => z.GetProperty("name").GetString()));
        }
        finally
        {
            foreach (var path in new[] { spaced, deep })
            {
                await Tool.RunAsync("/usr/bin/umount", [path]);
            }

            await Tool.RunAsync("/usr/sbin/ip", ["netns", "del", netns]);
        }
    }

    [LinuxRootFact]
    public async Task Del_TakesTheContainerOffTheNetworkBeforeItAnswers_AndTheDaemonDeletesThePairAfterwards()
    {
        await using var lab = await RuntimeLab.StartAsync(OneTenant);
        var naming = new NetVirt.Backends.Linux.Resources.LinuxNaming(lab.Prefix);
        var netns = $"{lab.Prefix}x-ctr2";
        (await Tool.RunAsync("/usr/sbin/ip", ["netns", "add", netns])).Ok("ip netns add");
        try
        {
            var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(lab.ConfDir, "netvirt-red.conflist"))).RootElement;
            var entry = System.Text.Json.Nodes.JsonNode.Parse(config.GetProperty("plugins")[0].GetRawText())!.AsObject();
            entry["cniVersion"] = "1.0.0";
            entry["name"] = "red";
            var stdin = entry.ToJsonString();
            Dictionary<string, string> Env(string command) => new()
            {
                ["CNI_COMMAND"] = command, ["CNI_CONTAINERID"] = "later1", ["CNI_NETNS"] = $"/run/netns/{netns}", ["CNI_IFNAME"] = "eth0", ["CNI_PATH"] = lab.PluginDir,
            };
            var plugin = Path.Combine(lab.PluginDir, "netvirt");
            var hostEnd = naming.VnicHostEnd(NetVirt.Model.Spec.ContainerNames.ZoneName("later1"), "eth0");
            (await Tool.RunAsync(plugin, [], Env("ADD"), stdin: stdin)).Ok("ADD");
            (await Tool.RunAsync(plugin, [], Env("DEL"), stdin: stdin)).Ok("DEL");

            // When DEL has answered, the host end is down and on no bridge, or gone already.
            var shown = await Tool.RunAsync("/usr/sbin/ip", ["-j", "link", "show", hostEnd]);
            if (shown.ExitCode == 0)
            {
                var link = JsonDocument.Parse(shown.Stdout).RootElement[0];
                Assert.False(link.TryGetProperty("master", out _), shown.Stdout);
                Assert.DoesNotContain("\"UP\"", link.GetProperty("flags").GetRawText(), StringComparison.Ordinal);
            }

            // The daemon deletes the pair after its debounce, with the runtime's namespace still there.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while ((await Tool.RunAsync("/usr/sbin/ip", ["link", "show", hostEnd])).ExitCode == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.NotEqual(0, (await Tool.RunAsync("/usr/sbin/ip", ["link", "show", hostEnd])).ExitCode);
            Assert.NotEqual(0, (await Tool.RunAsync("/usr/sbin/ip", ["-n", netns, "link", "show", "eth0"])).ExitCode);
        }
        finally
        {
            await Tool.RunAsync("/usr/sbin/ip", ["netns", "del", netns]);
        }
    }

    [LinuxRootFact]
    public async Task DaemonDown_PodmanRunFailsWithTryAgain_AndWorksWhenItIsBack()
    {
        await using var lab = await RuntimeLab.StartAsync(OneTenant);
        await using var podman = new Podman(lab);
        await lab.StopServerAsync(kill: true);
        var refused = await podman.RunAsync("run", "--rm", "--network", "red", "--rootfs", lab.Rootfs, "/bin/busybox", "true");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("does not answer", refused.Stderr, StringComparison.Ordinal);
        await lab.RestartServerAsync();
        (await podman.RunAsync("run", "--rm", "--network", "red", "--rootfs", lab.Rootfs, "/bin/busybox", "true")).Ok("podman run with the daemon back");
        var usage = await lab.NetvirtJsonAsync("ip", "list");
        Assert.Equal(1, usage.EnumerateArray().Sum(u => u.GetProperty("used").GetInt32())); // the declared zone's only
    }
}
