using System.Net;
using System.Net.Sockets;
using System.Text;
using NetVirt.Audit.Capture;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Documents;
using NetVirt.Integration.Audit;
using NetVirt.Integration.Infrastructure;
using NetVirt.Model.Addressing;
using NetVirt.Model.Validation;
using NetVirt.Testing;
using Xunit.Abstractions;

namespace NetVirt.Integration.Linux;

/// <summary>
/// A network larger than one Linux bridge takes (1,023 ports): 2,000 zones on one network (issue 14's size) are a star of
/// bridges on this host, a root with the router's leg and one trunk to each of four leaves. The first and the last zone
/// reach each other over IPv4 and IPv6; frames forged by a protected zone on one leaf towards a zone on another leaf are dropped, while
/// the one zone whose model says <c>protection: []</c> gets the same frames through (so the drops are protection's, at
/// the zone's port, not an accident of the trunks); a broadcast crosses from leaf to leaf, never twice (a loop would
/// repeat it); every bridge stays within the kernel's ports; the network shrunk to 500 zones is one bridge again with no
/// leaf or trunk left; and destroy leaves nothing with the prefix.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class BridgeTreeTests(ITestOutputHelper output)
{
    // 2,000 rather than the smallest tree (1,001 ports) because the issue measures that size and it makes four leaves, so
    // broadcasts and forged frames cross two trunks and the root; the test runs in about a minute on a loaded machine.
    private const int Zones = 2000;

    /// <summary>N zones with one VNIC each on one network with IPv4, IPv6 and gateways; <paramref name="unprotected"/> has <c>protection: []</c>.</summary>
    public static string OneNetwork(int zones, string? unprotected = null)
    {
        var text = new StringBuilder("""
            version: 1
            etherstubs: [{ name: stub0 }]
            networks:
              - { name: big, tenant: t, over: stub0, vlan: 100, ipv4: { subnet: 10.50.0.0/16, gateway: 10.50.0.1 }, ipv6: { subnet: 'fd50::/64', gateway: 'fd50::1' } }
            zones:

            """);
        for (var z = 0; z < zones; z++)
        {
            var protection = $"z{z}" == unprotected ? ", protection: []" : "";
            text.Append($"  - {{ name: z{z}, vnics: [{{ name: net0, network: big{protection}, addresses: [{{ tag: v4, address: auto, family: ipv4 }}, {{ tag: v6, address: auto, family: ipv6 }}] }}] }}\n");
        }

        return text.ToString();
    }

    // A flood from one of the 2,009 ports is queued for the 2,008 others, and 2,000 zones need 4,000 entries in each of
    // the host's neighbour tables: the plan refuses the network while the host's receive backlog or neighbour tables
    // are smaller (LinuxRenderer), so the test raises them, as the plan tells an operator to, and puts them back.
    [LinuxRootFact]
    public async Task Network2000Ports_IsATreeOfBridges_ZonesOnDifferentLeavesTalk_ForgedFramesAreDropped_NoLoop_ShrinksToOneBridge_AndIsDestroyed()
    {
        using var limits = HostLimits.AtLeast(Zones, flooded: Zones + 8);
        await RunAsync();
    }

    private async Task RunAsync()
    {
        await using var lab = await LinuxLab.CreateAsync(OneNetwork(Zones, unprotected: "z7"));
        var report = await lab.ApplyAsync();
        Assert.True(report.Succeeded, report.Error);
        Assert.True((await lab.Reconciler.PlanAsync(observeHost: true, CancellationToken.None)).Plan.IsEmpty);

        var naming = new LinuxNaming(lab.Prefix);
        var root = naming.Bridge("stub0", 100);
        var bridges = Bridges(lab.Prefix);
        var leaves = Enumerable.Range(0, 4).Select(l => naming.LeafBridge("stub0", 100, l)).ToList();
        Assert.Equal(new[] { root }.Concat(leaves).Order(StringComparer.Ordinal), bridges.Keys.Order(StringComparer.Ordinal));
        Assert.All(bridges, b => Assert.True(b.Value <= 1023, $"{b.Key} has {b.Value} ports"));
        Assert.Equal(1 + 4, bridges[root]);   // the router's leg and four trunks
        Assert.Equal(Zones + 4, bridges.Where(b => b.Key != root).Sum(b => b.Value));

        // No loop: each leaf's one trunk goes to the root, and nothing else joins two bridges of the tree.
        foreach (var leaf in leaves)
        {
            Assert.Equal(root, Master(naming.TrunkRootEnd(leaf)));
            Assert.Equal(leaf, Master(naming.TrunkLeafEnd(leaf)));
        }

        // The first and the last zone, on whichever leaves they are, and a pair on two different leaves for sure.
        string LeafOf(string zone) => Master(naming.VnicHostEnd(zone, "net0"));
        var first = "z0";
        var last = $"z{Zones - 1}";
        // Both families, at once after the apply: IPv6 used to fail here in 3 of 4 runs, when the zones' MLD reports
        // flooded all 2,000 ports for 40 s and the receive backlog dropped the neighbour solicitations (NftRuleset,
        // "mld-quiet").
        // A failure says what the host looked like: a first contact lost right after the apply failed CI twice, at two
        // different pings (here once, zone to gateway), and never when the test ran alone on this machine. Each of these
        // pings is a first contact, so it gets the kernel's neighbour retries (one a second) as the later one does:
        // twelve requests over 2.2 s; a pair that is not connected still fails, after 3.2 s.
        var start = PathCounters.Read();
        async Task Reaches(string from, IPAddress to)
        {
            if (!await lab.PingAsync(from, to, requests: 12))
            {
                Assert.Fail($"{from} -> {to}: no echo reply; {Around(lab, naming, from, to, start)}");
            }
        }

        await Reaches(first, lab.AddressOf(last));
        await Reaches(last, lab.AddressOf(first));
        await Reaches(last, IPAddress.Parse("10.50.0.1"));
        await Reaches(first, lab.AddressOf(last, family: AddressFamily.InterNetworkV6));
        await Reaches(last, lab.AddressOf(first, family: AddressFamily.InterNetworkV6));
        await Reaches(last, IPAddress.Parse("fd50::1"));
        var sender = Enumerable.Range(8, 100).Select(i => $"z{i}").First(z => LeafOf(z) != LeafOf(first));
        var unprotectedLeaf = LeafOf("z7");
        var target = Enumerable.Range(100, 900).Select(i => $"z{i}").First(z => LeafOf(z) != LeafOf(sender) && LeafOf(z) != unprotectedLeaf);
        // The UDP check is about a datagram crossing the leaves, so the sender resolves the target first with a ping.
        // This first contact between two leaves, seconds after the apply, went unanswered for 3 s in CI twice (three ARP
        // requests), with no frame dropped by the receive backlog, and never on this machine in the runs since; the cause
        // is not found. So a first failure is described (counters and state along the path) and the contact tried once
        // more, 5 s later, watching where the ARP requests get to: a partition that lasts fails the test with both
        // descriptions, a transient one is written to the test's output.
        var drops = BacklogDrops();
        var before = PathCounters.Read();
        if (!await lab.PingAsync(sender, lab.AddressOf(target), requests: 12))
        {
            var firstAttempt = Describe(lab, naming, sender, target, before);
            await Task.Delay(TimeSpan.FromSeconds(5));
            var (answered, seen) = await PingWatchingAsync(lab, naming, sender, target);
            Assert.True(answered, $"{sender} -> {target}: no echo reply, twice. First attempt: {firstAttempt}. Second, 5 s later: {seen}; {Describe(lab, naming, sender, target, before)}");
            output.WriteLine($"{sender} -> {target}: the first contact was not answered within 3 s, the second was. First attempt: {firstAttempt}. Second: {seen}");
        }

        Assert.True(lab.UdpArrives(sender, target, lab.AddressOf(target)), $"{sender} -> {target}: no datagram; the receive backlog dropped {BacklogDrops() - drops} frames meanwhile");

        // Forged source MAC and IP, across leaves: dropped from a protected zone, delivered from the unprotected one.
        Assert.True(Forge(lab, sender, target, spoof: false) == 1);
        Assert.True(Forge(lab, sender, target, spoof: true) == 0);
        Assert.True(Forge(lab, "z7", target, spoof: false) == 1);
        Assert.True(Forge(lab, "z7", target, spoof: true) == 1);

        // A broadcast frame floods every leaf through the root and arrives at most once: a loop would bring it back. Each
        // flood queues 2,008 copies on the receiving processor's backlog at once, and the 2,000 zones' own chatter (IPv6
        // router and neighbour solicitations, MLD reports) shares it, so one copy can be dropped there (CI saw 0 copies of
        // one broadcast once). Three numbered broadcasts: none may arrive twice, and at least one must arrive.
        drops = BacklogDrops();
        var broadcasts = Inject(lab, sender, target, spoof: false, MacAddress.Broadcast, frames: 3);
        Assert.All(broadcasts, copies => Assert.InRange(copies, 0, 1));
        Assert.True(broadcasts.Contains(1),
            $"no broadcast of 3 arrived; the receive backlog dropped {BacklogDrops() - drops} frames meanwhile (softnet_stat)");

        // Shrunk to 500 zones: one bridge again, every leaf and trunk gone, the zones still talk.
        var smaller = DocumentLoader.Load("model.yaml", OneNetwork(500));
        lab.Store.Replace(smaller.Model, HostTarget.Linux);
        var shrink = await lab.ApplyAsync();
        Assert.True(shrink.Succeeded, shrink.Error);
        Assert.True((await lab.Reconciler.PlanAsync(observeHost: true, CancellationToken.None)).Plan.IsEmpty);
        Assert.Equal([root], Bridges(lab.Prefix).Keys);
        Assert.Equal(500 + 1, Bridges(lab.Prefix)[root]);
        Assert.DoesNotContain(Directory.EnumerateDirectories("/sys/class/net", lab.Prefix + "-*").Select(Path.GetFileName),
            n => n!.StartsWith(lab.Prefix + "-t", StringComparison.Ordinal) || n.StartsWith(lab.Prefix + "-u", StringComparison.Ordinal));
        Assert.True(await lab.PingAsync("z0", lab.AddressOf("z499")));

        var (_, destroyed) = await lab.Reconciler.DestroyAsync(new ApplyOptions { Trigger = "test" }, null, CancellationToken.None);
        Assert.True(destroyed?.Succeeded, destroyed?.Error);
        Assert.Empty(await lab.LeftoversAsync());
    }

    // One UDP datagram injected into the sender's VNIC towards the target's socket: with its own MAC and address, or
    // with another MAC and another zone's address. How many copies arrived within a second.
    private static int Forge(LinuxLab lab, string from, string to, bool spoof) =>
        Inject(lab, from, to, spoof, lab.MacOf(to), frames: 1)[0];

    // Datagrams numbered 0..frames-1 injected one after another; how many copies of each arrived within a second of the
    // last. Copies are told apart by their payload, so a frame that comes back (a loop) is never counted for another.
    private static int[] Inject(LinuxLab lab, string from, string to, bool spoof, MacAddress toMac, int frames)
    {
        var target = lab.AddressOf(to);
        using var receiver = lab.BindUdp(to, target);
        var port = (ushort)((IPEndPoint)receiver.LocalEndPoint!).Port;
        using var capture = new SharpPcapCaptureEngine().Open(lab.Netns(from), "net0");
        var sourceMac = spoof ? MacAddress.Parse("02:66:66:66:66:66") : lab.MacOf(from);
        var sourceIp = spoof ? lab.AddressOf("z1") : lab.AddressOf(from);
        for (var f = 0; f < frames; f++)
        {
            capture.Inject(TestFrames.Udp(toMac, sourceMac, sourceIp, target, port, payload: $"probe{f}"));
        }

        var copies = new int[frames];
        var buffer = new byte[2048];
        var until = DateTime.UtcNow.AddSeconds(1);
        while (DateTime.UtcNow < until && copies.Sum() < 100)
        {
            if (receiver.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
            {
                var length = receiver.Receive(buffer);
                var text = Encoding.ASCII.GetString(buffer, 0, length);
                if (text.StartsWith("probe", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), out var f) && f < frames)
                {
                    copies[f]++;
                }
            }
        }

        return copies;
    }

    // Host-wide counters a lost frame could show up in: the receive backlog's drops and the neighbour tables' "table
    // full" events (both tables are shared by every namespace on the host; a full one stops a zone from answering ARP).
    private sealed record PathCounters(long Backlog, long ArpTableFull, long NdTableFull)
    {
        public static PathCounters Read() => new(BacklogDrops(), TableFulls("arp_cache"), TableFulls("ndisc_cache"));

        // /proc/net/stat/*_cache: a header, then one line of hex counters per processor; "table_fulls" is a column.
        private static long TableFulls(string table)
        {
            var lines = File.ReadAllLines($"/proc/net/stat/{table}");
            var column = Array.IndexOf(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), "table_fulls");
            return column < 0 ? -1 : lines.Skip(1).Sum(l => Convert.ToInt64(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[column], 16));
        }
    }

    // What the path from one zone to another looks like now: counters since before, each port's bridge state and drop
    // counters (the sender's port, both trunks, the target's port), both zones' neighbour entries, whether the
    // sender's port is found in its protection sets, and whether bridged frames also pass iptables (br_netfilter).
    private static string Describe(LinuxLab lab, LinuxNaming naming, string sender, string target, PathCounters before)
    {
        var now = PathCounters.Read();
        var text = new StringBuilder($"backlog drops +{now.Backlog - before.Backlog}, ARP table full +{now.ArpTableFull - before.ArpTableFull}, ND table full +{now.NdTableFull - before.NdTableFull}");
        string Sys(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "-";
        var senderEnd = naming.VnicHostEnd(sender, "net0");
        var targetEnd = naming.VnicHostEnd(target, "net0");
        var (senderLeaf, targetLeaf) = (Master(senderEnd), Master(targetEnd));
        foreach (var link in new[] { senderEnd, naming.TrunkLeafEnd(senderLeaf), naming.TrunkRootEnd(senderLeaf), naming.TrunkRootEnd(targetLeaf), naming.TrunkLeafEnd(targetLeaf), targetEnd })
        {
            var sys = $"/sys/class/net/{link}";
            text.Append($"; {link} on {Master(link)}: port state {Sys($"{sys}/brport/state")}, rx/tx dropped {Sys($"{sys}/statistics/rx_dropped")}/{Sys($"{sys}/statistics/tx_dropped")}");
        }

        foreach (var zone in new[] { sender, target })
        {
            text.Append($"; neighbours of {zone}: [{Run("/usr/sbin/ip", "-n", lab.Netns(zone), "-4", "neigh", "show").Replace('\n', ',').Trim(',')}]");
        }

        var table = naming.NftTable;
        text.Append($"; {senderEnd} in macs: {(Run("/usr/sbin/nft", "get", "element", "bridge", table, "macs", $"{{ \"{senderEnd}\" . {lab.MacOf(sender)} }}").Length > 0 ? "yes" : "no")}");
        text.Append($", in allowed4: {(Run("/usr/sbin/nft", "get", "element", "bridge", table, "allowed4", $"{{ \"{senderEnd}\" . {lab.AddressOf(sender)} }}").Length > 0 ? "yes" : "no")}");
        text.Append($"; bridge-nf-call-iptables {Sys("/proc/sys/net/bridge/bridge-nf-call-iptables")}, conntrack entries {Sys("/proc/sys/net/netfilter/nf_conntrack_count")}");
        return text.ToString();
    }

    // A ping that failed from a zone to an address: counters since the first ping (with the neighbour tables' sizes),
    // the sender's port on its bridge, the sender's neighbour entry for the address, and br_netfilter.
    private static string Around(LinuxLab lab, LinuxNaming naming, string sender, IPAddress to, PathCounters before)
    {
        var now = PathCounters.Read();
        string Sys(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "-";
        var port = naming.VnicHostEnd(sender, "net0");
        var family = to.AddressFamily == AddressFamily.InterNetworkV6 ? "-6" : "-4";
        return $"backlog drops +{now.Backlog - before.Backlog}, ARP table full +{now.ArpTableFull - before.ArpTableFull} ({Entries("arp_cache")} entries), " +
            $"ND table full +{now.NdTableFull - before.NdTableFull} ({Entries("ndisc_cache")} entries); {port} on {Master(port)}: port state {Sys($"/sys/class/net/{port}/brport/state")}, " +
            $"rx/tx dropped {Sys($"/sys/class/net/{port}/statistics/rx_dropped")}/{Sys($"/sys/class/net/{port}/statistics/tx_dropped")}; " +
            $"{sender}'s entry for {to}: [{Run("/usr/sbin/ip", "-n", lab.Netns(sender), family, "neigh", "show", "to", to.ToString()).Trim()}]; " +
            $"bridge-nf-call-iptables {Sys("/proc/sys/net/bridge/bridge-nf-call-iptables")}";

        // The first column of /proc/net/stat/*_cache is the table's entries (the same on every processor's line), in hex.
        static long Entries(string table) => Convert.ToInt64(File.ReadAllLines($"/proc/net/stat/{table}")[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], 16);
    }

    // Pings once more while capturing ARP requests from the sender at its own port and inside the target: where they get.
    private static async Task<(bool Answered, string Seen)> PingWatchingAsync(LinuxLab lab, LinuxNaming naming, string sender, string target)
    {
        var engine = new SharpPcapCaptureEngine();
        using var atPort = engine.Open(null, naming.VnicHostEnd(sender, "net0"));
        using var inTarget = engine.Open(lab.Netns(target), "net0");
        var filter = $"arp and src host {lab.AddressOf(sender)}";
        atPort.SetFilter(filter);
        inTarget.SetFilter(filter);
        // Both forget each other first, so this is a first contact again (ARP requests, not a known MAC).
        Run("/usr/sbin/ip", "-n", lab.Netns(sender), "neigh", "flush", "to", lab.AddressOf(target).ToString());
        Run("/usr/sbin/ip", "-n", lab.Netns(target), "neigh", "flush", "to", lab.AddressOf(sender).ToString());
        var answered = await lab.PingAsync(sender, lab.AddressOf(target), requests: 12);
        await Task.Delay(200);
        static int Count(ICaptureHandle handle)
        {
            var frames = 0;
            while (handle.Receive((_, _) => frames++, 100) > 0)
            {
            }

            return frames;
        }

        return (answered, $"{(answered ? "answered" : "not answered")}; ARP frames from {sender}: {Count(atPort)} at its port, {Count(inTarget)} inside {target}");
    }

    // Standard output of a command, "" when it fails.
    private static string Run(string executable, params string[] args)
    {
        var (exit, stdout, _) = NamespacePair.RunAsync(executable, args).GetAwaiter().GetResult();
        return exit == 0 ? stdout : "";
    }

    // The second column of /proc/net/softnet_stat summed over the processors: frames the receive backlog dropped.
    private static long BacklogDrops() =>
        File.ReadLines("/proc/net/softnet_stat")
            .Sum(line => Convert.ToInt64(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], 16));

    // The prefix's bridges and how many ports each has (sysfs: no netlink dump of every link).
    private static Dictionary<string, int> Bridges(string prefix) =>
        Directory.EnumerateDirectories("/sys/class/net", prefix + "-*")
            .Where(d => Directory.Exists(Path.Combine(d, "brif")))
            .ToDictionary(d => Path.GetFileName(d)!, d => Directory.EnumerateFileSystemEntries(Path.Combine(d, "brif")).Count(), StringComparer.Ordinal);

    private static string Master(string hostEnd) =>
        Path.GetFileName(new FileInfo($"/sys/class/net/{hostEnd}/master").LinkTarget) ?? "";
}
