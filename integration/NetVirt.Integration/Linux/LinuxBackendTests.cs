using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NetVirt.Audit.Capture;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Documents;
using NetVirt.Integration.Audit;
using NetVirt.Integration.Infrastructure;
using NetVirt.Planning;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;

namespace NetVirt.Integration.Linux;

/// <summary>
/// The Linux backend on this host with the shipped sample: real namespaces, bridges, veth pairs, tc and nftables,
/// and real traffic between the zones.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class LinuxBackendTests
{
    [LinuxRootFact]
    public async Task Sample_Applied_TrafficFollowsTheModel_AndReapplyIsEmpty()
    {
        await using var lab = await LinuxLab.CreateAsync();
        var report = await lab.ApplyAsync();
        Assert.True(report.Succeeded, report.Error);

        var again = await lab.Reconciler.PlanAsync(observeHost: true, CancellationToken.None);
        Assert.True(again.Plan.IsEmpty, string.Join("\n", again.Plan.Steps));

        // Both ends of a VNIC's veth pair have one queue each way (asked for: the kernel's default costs two RCU waits).
        var zoneEnd = await NamespacePair.IpAsync("-n", lab.Netns("acme-web1"), "-d", "link", "show", "net0");
        Assert.Contains("numtxqueues 1 numrxqueues 1", zoneEnd, StringComparison.Ordinal);
        var hostEnd = await NamespacePair.IpAsync("-d", "link", "show", lab.HostEndOf("acme-web1", "net0"));
        Assert.Contains("numtxqueues 1 numrxqueues 1", hostEnd, StringComparison.Ordinal);

        // One tenant network: reachable, over IPv4 and IPv6, by ping and UDP; its gateway answers.
        Assert.True(await lab.PingAsync("acme-web1", lab.AddressOf("acme-web2")));
        Assert.True(await lab.PingAsync("acme-web1", lab.AddressOf("acme-web2", family: AddressFamily.InterNetworkV6)));
        Assert.True(await lab.PingAsync("acme-web1", IPAddress.Parse("10.100.0.1")));
        Assert.True(lab.UdpArrives("acme-web1", "acme-web2", lab.AddressOf("acme-web2")));
        Assert.True(lab.UdpArrives("acme-web1", "acme-db1", lab.AddressOf("acme-db1", family: AddressFamily.InterNetworkV6)));

        // Another VLAN on the same etherstub (another tenant): unreachable, even through the gateways.
        Assert.False(await lab.PingAsync("acme-web1", lab.AddressOf("globex-app1")));
        Assert.False(lab.UdpArrives("acme-web1", "globex-app1", lab.AddressOf("globex-app1")));
        Assert.False(lab.UdpArrives("initech-api1", "acme-web2", lab.AddressOf("acme-web2")));

        // Another etherstub: the management network reaches acme-db1's second VNIC, but not the tenants.
        Assert.True(lab.UdpArrives("ops-console1", "acme-db1", lab.AddressOf("acme-db1", "net1")));
        Assert.False(lab.UdpArrives("ops-console1", "acme-web1", lab.AddressOf("acme-web1")));
    }

    [LinuxRootFact]
    public async Task Protection_SpoofedSourceMacOrIp_IsDropped()
    {
        await using var lab = await LinuxLab.CreateAsync();
        Assert.True((await lab.ApplyAsync()).Succeeded);
        var ownMac = lab.MacOf("acme-web1");
        var ownIp = lab.AddressOf("acme-web1");
        using var injection = lab.InjectUdp("acme-web1", "acme-web2");

        // The forged frames differ from a legitimate one only in the source; the legitimate one must arrive, or the
        // drops would prove nothing.
        Assert.True(injection.Delivered(ownMac, ownIp));
        Assert.False(injection.Delivered(NetVirt.Model.Addressing.MacAddress.Parse("02:66:66:66:66:66"), ownIp));
        Assert.False(injection.Delivered(ownMac, IPAddress.Parse("10.100.0.99")));
        Assert.False(injection.Delivered(ownMac, lab.AddressOf("acme-db1")));
    }

    [LinuxRootFact]
    public async Task AllowedIps_APrefixAndAnAddress_PassFromAnyAddressTheyHold_AndNothingElse()
    {
        // A prefix wider than one address lives in the interval set (allowed4_nets), an address in the hash set
        // (allowed4): the rule must let through what either holds, and drop the rest.
        static string Document(string prefix) => """
            version: 1
            etherstubs: [{ name: stub0 }]
            networks:
              - { name: n, tenant: t, over: stub0, vlan: 100, ipv4: { subnet: 10.61.0.0/24 } }
            zones:
              - name: z0
                vnics: [{ name: net0, network: n, allowed-ips: [10.61.0.16/28, 10.61.0.40], addresses: [{ tag: v4, address: 10.61.0.17, family: ipv4 }] }]
              - name: z1
                vnics: [{ name: net0, network: n, addresses: [{ tag: v4, address: 10.61.0.2, family: ipv4 }] }]
            """;
        await using var lab = await LinuxLab.CreateAsync(Document);
        Assert.True((await lab.ApplyAsync()).Succeeded);
        var ownMac = lab.MacOf("z0");
        using var injection = lab.InjectUdp("z0", "z1");
        bool Delivered(string source) => injection.Delivered(ownMac, IPAddress.Parse(source));

        Assert.True(Delivered("10.61.0.17"));
        Assert.True(Delivered("10.61.0.30"));
        Assert.True(Delivered("10.61.0.40"));
        Assert.False(Delivered("10.61.0.32"));
        Assert.False(Delivered("10.61.0.41"));
        Assert.False(Delivered("10.61.0.2"));
    }

    [LinuxRootFact]
    public async Task MldReports_OfAProtectedZone_StayAtItsPort_ThoseOfAnUnprotectedZoneFlood()
    {
        // z0 protected, z1 with protection: [], z2 listens. A new address joins its solicited-node group, which the
        // kernel reports (MLDv2, to ff02::16) twice within a second: from z1 the bridge floods the reports to z2, which
        // shows the observer would see them; from z0 the mld-quiet rule drops them at z0's port.
        await using var lab = await LinuxLab.CreateAsync(BridgeTreeTests.OneNetwork(3, unprotected: "z1"));
        Assert.True((await lab.ApplyAsync()).Succeeded);
        using var observer = new SharpPcapCaptureEngine().Open(lab.Netns("z2"), "net0");
        observer.SetFilter("ip6 dst ff02::16");

        async Task<int> ReportsSeenAfterJoin(string zone, string address)
        {
            while (observer.Receive((_, _) => { }, 1000) > 0)
            {
            }

            await NamespacePair.IpAsync("-n", lab.Netns(zone), "address", "add", address, "dev", "net0", "nodad");
            var seen = 0;
            var until = DateTime.UtcNow.AddSeconds(3);
            while (DateTime.UtcNow < until)
            {
                seen += observer.Receive((_, _) => { }, 1000);
                await Task.Delay(50);
            }

            return seen;
        }

        Assert.True(await ReportsSeenAfterJoin("z1", "fd50::1:1/64") > 0);
        Assert.Equal(0, await ReportsSeenAfterJoin("z0", "fd50::1:0/64"));
    }

    [LinuxRootFact]
    public async Task Maxbw_LimitsThroughputBothWays_Within20Percent()
    {
        await using var lab = await LinuxLab.CreateAsync();
        Assert.True((await lab.ApplyAsync()).Succeeded);
        var server = lab.AddressOf("acme-web2");
        // One server for both directions; the client retries while it starts listening.
        using var iperf = Process.Start(new ProcessStartInfo("/usr/sbin/ip", ["netns", "exec", lab.Netns("acme-web2"), "iperf3", "-s", "-B", server.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            Assert.InRange(await IperfAsync(lab, server, reverse: false), 160e6, 240e6);
            Assert.InRange(await IperfAsync(lab, server, reverse: true), 160e6, 240e6);
        }
        finally
        {
            iperf.Kill(entireProcessTree: true);
        }
    }

    [LinuxRootFact]
    public async Task VethDeletedByHand_IsDrift_AndApplyRepairsIt()
    {
        await using var lab = await LinuxLab.CreateAsync();
        Assert.True((await lab.ApplyAsync()).Succeeded);
        await NamespacePair.IpAsync("-n", lab.Netns("acme-web1"), "link", "delete", "net0");

        var (_, drift) = await lab.Reconciler.DriftAsync(CancellationToken.None);
        Assert.Contains(drift, d => d.Kind == DriftKind.Missing && d.Resource.Kind.Name == "veth" && d.Resource.Name == $"{lab.Netns("acme-web1")}/net0");
        Assert.False(await lab.PingAsync("acme-web2", lab.AddressOf("acme-web1")));

        Assert.True((await lab.ApplyAsync()).Succeeded);
        var after = await lab.Reconciler.DriftAsync(CancellationToken.None);
        Assert.Empty(after.Drift);
        Assert.True(await lab.PingAsync("acme-web2", lab.AddressOf("acme-web1")));
    }

    [LinuxRootFact]
    public async Task FailureMidApply_RollsBack_AndReapplyConverges()
    {
        FailingBackend? failing = null;
        await using var lab = await LinuxLab.CreateAsync(decorate: b => failing = new FailingBackend(b, "route"));
        var report = await lab.ApplyAsync();

        Assert.Equal(RunOutcome.RolledBack, report.Outcome);
        Assert.Contains(report.Executions, e => e.Phase == StepPhase.Rollback);
        Assert.DoesNotContain(report.Executions, e => e.Phase == StepPhase.Rollback && e.Outcome == StepOutcome.Failed);
        Assert.Empty(await lab.LeftoversAsync());

        failing!.Armed = false;
        Assert.True((await lab.ApplyAsync()).Succeeded);
        var again = await lab.Reconciler.PlanAsync(observeHost: true, CancellationToken.None);
        Assert.True(again.Plan.IsEmpty, string.Join("\n", again.Plan.Steps));
    }

    [LinuxRootFact]
    public async Task Destroy_LeavesNoObjectWithThePrefix_AndTouchesNothingElse()
    {
        await using var lab = await LinuxLab.CreateAsync();
        var before = await ForeignStateAsync(lab.Prefix);
        Assert.True((await lab.ApplyAsync()).Succeeded);
        Assert.NotEmpty(await lab.LeftoversAsync());

        var (_, report) = await lab.Reconciler.DestroyAsync(new ApplyOptions(), null, CancellationToken.None);
        Assert.True(report!.Succeeded, report.Error);
        Assert.Empty(await lab.LeftoversAsync());
        Assert.Equal(before, await ForeignStateAsync(lab.Prefix));
        var plan = await lab.Reconciler.PlanAsync(observeHost: true, CancellationToken.None);
        Assert.Equal(plan.Plan.Steps.Count, plan.Plan.Summary.Create);

        // No thread of this process may be left inside a zone's namespace: a runtime thread born on a namespace
        // thread (the background GC's, once) keeps a destroyed namespace alive and sockets it opens land there.
        var strays = LinuxLab.StrayThreads();
        Assert.True(strays.Count == 0, "threads outside the host namespace: " + string.Join(", ", strays));
    }

    [LinuxRootFact]
    public async Task VnicOverPhysicalLink_IsMacvlan_ZonesOnItTalk_AndATaggedOneIsRefusedNaming8021q()
    {
        // This kernel has no dummy module: one end of a veth pair the test owns stands in for the physical link. Its name
        // lacks the ownership mark ("{prefix}-"), as a physical link's would: NetVirt must only read it.
        static string Document(string prefix, int vlan) => $$"""
            version: 1
            links: [{ name: {{prefix}}phy0 }]
            networks:
              - { name: phys, over: {{prefix}}phy0, vlan: {{vlan}}, ipv4: { subnet: 10.77.0.0/24 } }
            zones:
              - name: m1
                vnics: [{ name: net0, network: phys, protection: [], addresses: [{ tag: v4, address: auto, family: ipv4 }] }]
              - name: m2
                vnics: [{ name: net0, network: phys, protection: [], addresses: [{ tag: v4, address: auto, family: ipv4 }] }]
            """;
        await using var lab = await LinuxLab.CreateAsync(prefix => Document(prefix, 0));
        var link = $"{lab.Prefix}phy0";
        Assert.Equal(0, (await NamespacePair.RunAsync("/usr/sbin/ip", "link", "add", link, "up", "type", "veth", "peer", "name", $"{lab.Prefix}phy1")).ExitCode);
        Assert.Equal(0, (await NamespacePair.RunAsync("/usr/sbin/ip", "link", "set", $"{lab.Prefix}phy1", "up")).ExitCode);

        var report = await lab.ApplyAsync();
        Assert.True(report.Succeeded, report.Error);
        var details = await NamespacePair.RunAsync("/usr/sbin/ip", "-d", "-n", lab.Netns("m1"), "link", "show", "net0");
        Assert.Contains("macvlan mode bridge", details.Stdout, StringComparison.Ordinal);
        Assert.True(await lab.PingAsync("m1", lab.AddressOf("m2")));
        Assert.True((await lab.Reconciler.PlanAsync(observeHost: true, CancellationToken.None)).Plan.IsEmpty);

        // The physical link itself is never NetVirt's: destroy leaves it.
        var (_, destroyed) = await lab.Reconciler.DestroyAsync(new ApplyOptions(), null, CancellationToken.None);
        Assert.True(destroyed!.Succeeded, destroyed.Error);
        Assert.Equal(0, (await NamespacePair.RunAsync("/usr/sbin/ip", "link", "show", link)).ExitCode);

        // A VLAN over a physical link needs 802.1Q, which this kernel lacks: the plan says so and nothing is touched.
        var tagged = DocumentLoader.Load("tagged.yaml", Document(lab.Prefix, 42));
        Assert.Empty(tagged.Errors);
        lab.Store.Replace(tagged.Model, NetVirt.Model.Validation.HostTarget.Linux);
        var plan = await lab.Reconciler.PlanAsync(observeHost: true, CancellationToken.None);
        Assert.Contains(plan.Plan.Problems, p => p.Message.Contains("8021q", StringComparison.OrdinalIgnoreCase) || p.Message.Contains("802.1Q", StringComparison.Ordinal));
    }

    // "name in net:[id]" for a runtime thread of this process outside the host namespace; null otherwise or when it ended.
    // The rate iperf3 measured from acme-web1 to the server (or back with reverse); retried while the server starts.
    private static async Task<double> IperfAsync(LinuxLab lab, IPAddress server, bool reverse)
    {
        var failures = new List<string>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (exit, stdout, stderr) = await NamespacePair.RunAsync("/usr/sbin/ip",
                ["netns", "exec", lab.Netns("acme-web1"), "iperf3", "-c", server.ToString(), "-t", "3", "-O", "1", "-J", .. reverse ? ["-R"] : Array.Empty<string>()]);
            if (exit == 0 && stdout.Length > 0)
            {
                using var json = JsonDocument.Parse(stdout);
                if (json.RootElement.TryGetProperty("end", out var end) && end.TryGetProperty("sum_received", out var received))
                {
                    return received.GetProperty("bits_per_second").GetDouble();
                }
            }

            failures.Add($"exit {exit}: {stderr.Trim()} {(stdout.Length > 300 ? stdout[..300] : stdout).Trim()}");
            await Task.Delay(300);
        }

        Assert.Fail("iperf3 did not measure: " + string.Join(" | ", failures));
        return 0;
    }

    // Interfaces, namespaces and tables that do not carry the prefix: destroy must leave them exactly as they were.
    private static async Task<string> ForeignStateAsync(string prefix)
    {
        var links = await NamespacePair.RunAsync("/usr/sbin/ip", "-o", "link", "show");
        var names = links.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ")[1].Split('@')[0]).Where(n => !n.StartsWith("nvt", StringComparison.Ordinal));
        var tables = await NamespacePair.RunAsync("/usr/sbin/nft", "list", "tables");
        return string.Join(",", names.Order()) + "|" + string.Join(",", NetnsMounts.List().Where(n => !n.StartsWith("nvt", StringComparison.Ordinal)))
            + "|" + string.Join(",", tables.Stdout.Split('\n').Where(t => !t.Contains("nvt", StringComparison.Ordinal)).Order());
    }
}
