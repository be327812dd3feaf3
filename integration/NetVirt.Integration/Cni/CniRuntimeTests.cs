using NetVirt.Integration.Infrastructure;

namespace NetVirt.Integration.Cni;

/// <summary>
/// NetVirt as the CNI plugin of real runtimes on this host, offline: podman 4 (CNI backend, busybox rootfs) and
/// containerd 1.6's <c>ctr run --cni</c>. Two tenants on VLANs 100 and 200 of one etherstub, each with its router; the
/// containers land on them through <c>netvirt-cni</c> and the daemon's socket.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class CniRuntimeTests
{
    private static string TwoTenants(string prefix) => """
        etherstubs: [{name: stub0}]
        networks:
          - name: red
            tenant: red
            over: stub0
            vlan: 100
            ipv4: {subnet: 10.61.0.0/24, gateway: 10.61.0.1}
          - name: blue
            tenant: blue
            over: stub0
            vlan: 200
            ipv4: {subnet: 10.62.0.0/24, gateway: 10.62.0.1}
        """;

    [LinuxRootFact]
    public async Task Podman_TwoTenants_PingWithinATenantAndNotAcross()
    {
        await using var lab = await RuntimeLab.StartAsync(TwoTenants);
        await using var podman = new Podman(lab);
        var red1 = await podman.StartAsync("red1", "red");
        var red2 = await podman.StartAsync("red2", "red");
        var blue1 = await podman.StartAsync("blue1", "blue");
        var (red2Ip, blue1Ip) = (await podman.Ipv4Async(red2), await podman.Ipv4Async(blue1));
        Assert.StartsWith("10.61.0.", red2Ip, StringComparison.Ordinal);
        Assert.StartsWith("10.62.0.", blue1Ip, StringComparison.Ordinal);

        (await podman.ExecAsync(red1, "ping", "-c", "1", "-W", "2", red2Ip)).Ok("ping within tenant red");
        Assert.NotEqual(0, (await podman.ExecAsync(red1, "ping", "-c", "1", "-W", "2", blue1Ip)).ExitCode);

        var zones = await lab.NetvirtJsonAsync("show", "zones");
        Assert.Equal(3, zones.EnumerateArray().Count(z => z.GetProperty("kind").GetString() == "container"));
        var (state, zone) = await lab.WhoAsync(red2Ip);
        Assert.Equal("held", state);
        Assert.StartsWith("c-", zone, StringComparison.Ordinal);
    }

    [LinuxRootFact]
    public async Task Podman_ForgedSourceAddress_IsDropped()
    {
        await using var lab = await RuntimeLab.StartAsync(TwoTenants);
        await using var podman = new Podman(lab);
        var sender = await podman.StartAsync("sender", "red", "--cap-add", "NET_ADMIN");
        var peer = await podman.StartAsync("peer", "red");
        var peerIp = await podman.Ipv4Async(peer);
        (await podman.ExecAsync(sender, "ping", "-c", "1", "-W", "2", peerIp)).Ok("ping from its own address");
        (await podman.ExecAsync(sender, "ip", "addr", "add", "10.61.0.99/24", "dev", "eth0")).Ok("add a forged address");
        Assert.NotEqual(0, (await podman.ExecAsync(sender, "ping", "-c", "1", "-W", "2", "-I", "10.61.0.99", peerIp)).ExitCode);
    }

    [LinuxRootFact]
    public async Task Podman_Rm_GivesTheAddressBack()
    {
        await using var lab = await RuntimeLab.StartAsync(TwoTenants);
        await using var podman = new Podman(lab);
        var container = await podman.StartAsync("short", "red");
        var ip = await podman.Ipv4Async(container);
        Assert.Equal("held", (await lab.WhoAsync(ip)).State);
        (await podman.RunAsync("rm", "-f", "-t", "0", container)).Ok("podman rm");
        Assert.Equal("released", (await lab.WhoAsync(ip)).State);
        Assert.DoesNotContain((await lab.NetvirtJsonAsync("show", "zones")).EnumerateArray(), z => z.GetProperty("kind").GetString() == "container");
    }

    [LinuxRootFact]
    public async Task Audit_OverContainers_IsClean_AndFindsAVnicMovedToAnotherTenant()
    {
        await using var lab = await RuntimeLab.StartAsync(TwoTenants);
        await using var podman = new Podman(lab);
        await podman.StartAsync("red1", "red");
        await podman.StartAsync("red2", "red");
        await podman.StartAsync("blue1", "blue");
        var clean = await lab.NetvirtAsync("audit", "--no-reports");
        Assert.True(clean.ExitCode == 0, clean.Stdout + clean.Stderr);

        // The fault by hand: the host end of blue1's interface moved onto red's bridge (a wiring error a runtime could make).
        var vnic = (await lab.NetvirtJsonAsync("show", "vnics")).EnumerateArray()
            .First(v => v.GetProperty("network").GetString() == "blue" && v.GetProperty("zone").GetString()!.StartsWith("c-", StringComparison.Ordinal));
        var links = System.Text.Json.JsonDocument.Parse((await Tool.RunAsync("/usr/sbin/ip", ["-j", "-d", "link", "show"])).Ok("ip link").Stdout).RootElement.EnumerateArray().ToList();
        // NetVirt's alias on a host end names the container's namespace reference and the interface: "netvirt vnic @ZONE@PATH/IFNAME ...".
        string HostEnd(System.Text.Json.JsonElement row) => links.Single(l => l.TryGetProperty("ifalias", out var alias)
            && alias.GetString()!.Contains($"@{row.GetProperty("zone").GetString()}@", StringComparison.Ordinal)
            && alias.GetString()!.Contains($"/{row.GetProperty("vnic").GetString()} ", StringComparison.Ordinal)).GetProperty("ifname").GetString()!;
        string Master(string link) => links.Single(l => l.GetProperty("ifname").GetString() == link).GetProperty("master").GetString()!;
        var red = (await lab.NetvirtJsonAsync("show", "vnics")).EnumerateArray().First(v => v.GetProperty("network").GetString() == "red");
        var hostEnd = HostEnd(vnic);
        var redBridge = Master(HostEnd(red));
        Assert.NotEqual(redBridge, Master(hostEnd));
        (await Tool.RunAsync("/usr/sbin/ip", ["link", "set", hostEnd, "master", redBridge])).Ok("move the host end");
        var audit = await lab.NetvirtAsync("audit", "--no-reports");
        Assert.True(audit.ExitCode == 4, audit.Stdout + audit.Stderr);
        Assert.Contains("LEAK", audit.Stdout, StringComparison.Ordinal);
        Assert.Contains(vnic.GetProperty("zone").GetString()!, audit.Stdout, StringComparison.Ordinal);
    }

    [LinuxRootFact]
    public async Task Podman_FortyParallelRuns_GetDistinctAddressesAndMacs_AndNothingIsHeldAfterwards()
    {
        await using var lab = await RuntimeLab.StartAsync(TwoTenants);
        await using var podman = new Podman(lab);
        var runs = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            podman.RunAsync("run", "--rm", "--name", $"{lab.Prefix}-p{i}", "--network", "red", "--rootfs", lab.Rootfs, "/bin/busybox", "sh", "-c", "ip -o link show eth0; ip -o -4 addr show eth0")));
        Assert.All(runs, r => r.Ok("podman run"));
        var addresses = runs.Select(r => r.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "inet").Skip(1).First()).ToList();
        var macs = runs.Select(r => r.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "link/ether").Skip(1).FirstOrDefault()).ToList();
        Assert.Equal(40, addresses.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(40, macs.Distinct(StringComparer.Ordinal).Count());
        var usage = await lab.NetvirtJsonAsync("ip", "list");
        Assert.All(usage.EnumerateArray(), u => Assert.Equal(0, u.GetProperty("used").GetInt32()));
    }

    [LinuxRootFact]
    public async Task Ctr_RunWithCni_GetsANetVirtAddress_AndDelWithoutNamespaceReleasesIt()
    {
        await using var lab = await RuntimeLab.StartAsync(TwoTenants);
        await using var containerd = await Containerd.StartAsync(lab);
        var run = (await containerd.RunAsync("c1", "ip", "-4", "-o", "addr", "show", "eth0")).Ok("ctr run --cni");
        var ip = run.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "inet").Skip(1).First().Split('/')[0];
        // ctr takes the first conflist by name: blue's (netvirt-blue.conflist) comes before red's.
        Assert.StartsWith("10.62.0.", ip, StringComparison.Ordinal);
        Assert.Equal("released", (await lab.WhoAsync(ip)).State);
    }
}
