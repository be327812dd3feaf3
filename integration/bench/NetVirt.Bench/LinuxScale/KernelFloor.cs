using System.Diagnostics;
using System.Globalization;
using System.Net;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;
using NetVirt.Planning.Resources;

namespace NetVirt.Bench.LinuxScale;

/// <summary>
/// The kernel floor of the benchmark topology: the same kernel work NetVirt asks for, in the same batches and on the
/// same number of threads, with nothing of NetVirt around it (no store, render, observation model, plan or journal).
/// Apply: rank 10 (every namespace set up, the bridges, the nftables table with every port's elements, side by side),
/// rank 20 (every veth pair in one host netlink batch, each zone end up from inside), rank 30 (addresses), rank 40
/// (routes). Observe: the host's links, the names in /run/netns, every namespace's links, addresses and routes, tc's
/// qdiscs, the table. Destroy: every name removed, until no host end is left, then the bridges and the table.
/// </summary>
internal sealed class KernelFloor(string prefix, int zones, int threads)
{
    private const int Tenants = 10;
    private readonly ILinuxKernel _kernel = LinuxKernel.Instance;

    private string Zone(int i) => $"{prefix}-z-z{i}";

    private string Router(int t) => $"{prefix}-r-t{t}";

    private string Bridge(int t) => $"{prefix}-b{t}";

    private string HostEnd(int i) => $"{prefix}-v{i:x}";

    private string Leg(int t) => $"{prefix}-g{t}";

    private static MacAddress Mac(int i) => new(0x02_00_00_00_00_00UL + (uint)(i + 1));

    private static InterfaceAddress V4(int i) => new(new IPAddress([10, (byte)(i % Tenants), (byte)((i / Tenants + 10) >> 8), (byte)((i / Tenants + 10) & 255)]), 16);

    private static InterfaceAddress V6(int i) => new(IPAddress.Parse($"fd00:{i % Tenants}::{i / Tenants + 10:x}"), 64);

    private IReadOnlyList<string> AllNamespaces => [.. Enumerable.Range(0, Tenants).Select(Router), .. Enumerable.Range(0, zones).Select(Zone)];

    /// <summary>Builds the topology; the time of each rank.</summary>
    public async Task<IReadOnlyList<(string Step, TimeSpan Time)>> ApplyAsync(CancellationToken cancellationToken)
    {
        var times = new List<(string, TimeSpan)>();
        var clock = Stopwatch.StartNew();
        var namespaces = Task.Run(() => Check(_kernel.CreateNamespaces(AllNamespaces, threads, SetUp).Select(r => r.Error)), cancellationToken);
        var bridges = Task.Run(() => Check(_kernel.Execute([.. Enumerable.Range(0, Tenants).SelectMany(t => new RtnlRequest[]
        {
            new CreateLinkRequest(Bridge(t), "bridge"), new SetLinkRequest(Bridge(t)) { Alias = "netvirt floor", Mtu = 1500, Up = true, NoIpv6LinkLocal = true },
        })])), cancellationToken);
        var table = RunNftAsync(TableLines(), cancellationToken);
        await Task.WhenAll(namespaces, bridges, table);
        times.Add(("rank 10: namespaces, bridges, nft table", clock.Elapsed));

        clock.Restart();
        Check(_kernel.Execute([
            .. Enumerable.Range(0, zones).SelectMany(i => new RtnlRequest[]
            {
                new CreateVethRequest(HostEnd(i), 1500, Bridge(i % Tenants), "net0", Mac(i), Zone(i)),
                new SetLinkRequest(HostEnd(i)) { Alias = "netvirt floor", NoIpv6LinkLocal = true, Up = true },
            }),
            .. Enumerable.Range(0, Tenants).SelectMany(t => new RtnlRequest[]
            {
                new CreateVethRequest(Leg(t), 1500, Bridge(t), "leg", null, Router(t)),
                new SetLinkRequest(Leg(t)) { Alias = "netvirt floor", NoIpv6LinkLocal = true, Up = true },
            }),
        ]));
        Inside(AllNamespaces, ns => [new SetLinkRequest(ns.StartsWith(prefix + "-r-", StringComparison.Ordinal) ? "leg" : "net0") { Alias = "netvirt floor", Up = true }]);
        times.Add(("rank 20: veth pairs", clock.Elapsed));

        clock.Restart();
        var routers = Enumerable.Range(0, Tenants).ToDictionary(Router, t => t, StringComparer.Ordinal);
        var zoneIndex = Enumerable.Range(0, zones).ToDictionary(Zone, i => i, StringComparer.Ordinal);
        Inside(AllNamespaces, ns => routers.TryGetValue(ns, out var t)
            ? [new AddressRequest(true, new InterfaceAddress(new IPAddress([10, (byte)t, 0, 1]), 16), "leg"), new AddressRequest(true, new InterfaceAddress(IPAddress.Parse($"fd00:{t}::1"), 64), "leg")]
            : [new AddressRequest(true, V4(zoneIndex[ns]), "net0"), new AddressRequest(true, V6(zoneIndex[ns]), "net0")]);
        times.Add(("rank 30: addresses", clock.Elapsed));

        clock.Restart();
        Inside([.. Enumerable.Range(0, zones).Select(Zone)], ns =>
        {
            var t = zoneIndex[ns] % Tenants;
            return [new RouteRequest(RouteVerb.Add, IPNetwork.Parse("0.0.0.0/0"), new IPAddress([10, (byte)t, 0, 1])), new RouteRequest(RouteVerb.Add, IPNetwork.Parse("::/0"), IPAddress.Parse($"fd00:{t}::1"))];
        });
        times.Add(("rank 40: routes", clock.Elapsed));
        return times;
    }

    /// <summary>Reads everything an observation reads, at the same time as NetVirt reads it.</summary>
    public async Task<TimeSpan> ObserveAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var names = _kernel.Namespaces().Where(e => e.IsNamespace && e.Name.StartsWith(prefix + "-", StringComparison.Ordinal)).Select(e => e.Name).ToList();
        var runner = new ProcessCommandRunner();
        var nft = runner.RunAsync(CommandSpec.Of("/usr/sbin/nft", "-j", "list", "table", "bridge", prefix), cancellationToken);
        var inside = Task.Run(() => _kernel.InEach(names, threads, k => (k.Links(), k.Addresses(), k.Routes())), cancellationToken);
        _ = _kernel.HostLinks();
        using (var socket = NetlinkSocket.Open())
        {
            _ = Dumps.Qdiscs(socket);
        }

        await Task.WhenAll(inside, nft);
        return clock.Elapsed;
    }

    /// <summary>
    /// The host's links read both ways, alternating, <paramref name="rounds"/> times each: by an <c>RTM_GETLINK</c> dump
    /// (what observation did before: the kernel's netns id search makes it N × N) and as observation reads them now
    /// (<see cref="HostLinkReader"/>). Medians.
    /// </summary>
    public static (TimeSpan Dump, TimeSpan Read) HostLinksBothWays(int rounds = 3)
    {
        var dump = new List<TimeSpan>();
        var read = new List<TimeSpan>();
        for (var i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var socket = NetlinkSocket.Open())
            {
                _ = Dumps.Links(socket);
            }

            dump.Add(clock.Elapsed);
            clock.Restart();
            _ = HostLinkReader.Read();
            read.Add(clock.Elapsed);
        }

        return (dump.Order().ElementAt(rounds / 2), read.Order().ElementAt(rounds / 2));
    }

    /// <summary>Removes every name, waits until the kernel has released every host end, then the bridges and the table.</summary>
    public async Task<TimeSpan> DestroyAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        foreach (var name in AllNamespaces)
        {
            _kernel.DeleteNamespace(name, out _);
        }

        await ScaleHost.WaitForLinksAsync(prefix, l => l.StartsWith(prefix + "-v", StringComparison.Ordinal) || l.StartsWith(prefix + "-g", StringComparison.Ordinal), TimeSpan.FromMinutes(5));
        Check(_kernel.Execute([.. Enumerable.Range(0, Tenants).Select(t => new DeleteLinkRequest(Bridge(t)))]));
        await RunNftAsync([$"delete table bridge {prefix}"], cancellationToken);
        return clock.Elapsed;
    }

    private void SetUp(INamespaceKernel inside)
    {
        inside.WriteSysctl("net/ipv6/conf/default/accept_dad", "0");
        inside.WriteSysctl("net/ipv6/conf/all/accept_dad", "0");
        if (inside.Name.StartsWith(prefix + "-r-", StringComparison.Ordinal))
        {
            inside.WriteSysctl("net/ipv4/ip_forward", "1");
            inside.WriteSysctl("net/ipv6/conf/all/forwarding", "1");
        }

        Check(inside.Execute([new SetLinkRequest("lo") { Alias = $"netvirt netns {inside.Name}", Up = true }]));
    }

    private void Inside(IReadOnlyList<string> namespaces, Func<string, IReadOnlyList<RtnlRequest>> requests) =>
        Check(_kernel.InEach(namespaces, threads, k =>
        {
            Check(k.Execute(requests(k.Name)));
            return true;
        }).Select(r => r.Error));

    private List<string> TableLines()
    {
        var lines = NftRuleset.CreateTable(prefix, "netvirt floor", prefix + "-").ToList();
        for (var i = 0; i < zones; i++)
        {
            var properties = PropertyBag.Of(
                ("port", HostEnd(i)), ("flags", SpecNames.Format(VnicSpec.DefaultProtection)), ("allowed-mac", Mac(i).ToString()), ("dhcp-chaddr", ""),
                ("allowed-ips", $"{V4(i).Address}/32,{V6(i).Address}/128"));
            lines.AddRange(NftRuleset.ElementCommands("add", prefix, NftRuleset.Elements(string.Create(CultureInfo.InvariantCulture, $"{Zone(i)}/net0"), properties)));
        }

        return lines;
    }

    private static async Task RunNftAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        var result = await new ProcessCommandRunner().RunAsync(CommandSpec.Of("/usr/sbin/nft", "-f", "-") with { StandardInput = string.Join('\n', lines) + "\n" }, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"floor: nft failed: {result.Stderr.Trim()}");
        }
    }

    private static void Check(IEnumerable<NetlinkResult> results)
    {
        if (results.Where(r => !r.Succeeded).Select(r => (NetlinkResult?)r).FirstOrDefault() is { } failed)
        {
            throw new InvalidOperationException($"floor: netlink request failed: {failed}");
        }
    }

    private static void Check(IEnumerable<Exception?> errors)
    {
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            throw new InvalidOperationException($"floor: {error.Message}", error);
        }
    }
}
