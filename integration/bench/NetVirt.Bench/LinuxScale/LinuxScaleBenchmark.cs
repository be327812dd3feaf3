using NetVirt.Testing;
using System.Diagnostics;
using System.Globalization;
using NetVirt.Backends.Commands;
using NetVirt.Bench.Cli;
using NetVirt.Bench.LinuxApply;

namespace NetVirt.Bench.LinuxScale;

/// <summary>
/// Issue 14's growth figures: N zones (one VNIC each on 10 tenant VLANs of one etherstub, IPv4 + IPv6, default
/// protection, 10 routers) applied, re-applied with nothing to do and destroyed, for each N: by whole <c>netvirt</c>
/// processes (start-up included; several builds side by side, interleaved, e.g. the commit before the work), by the
/// reconciler in this process with the time of every phase, and as the kernel floor (<see cref="KernelFloor"/>: the
/// same kernel work in the same batches, nothing of NetVirt around it) in the same run. Per-zone costs are compared
/// with the smallest N. Every object carries a fresh test prefix and is swept afterwards, also after a failure.
/// </summary>
public sealed class LinuxScaleBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "linux-scale";

    /// <inheritdoc />
    public string Description =>
        "apply / no-op / destroy of N zones: whole netvirt processes, in-process phases, and the kernel floor (args: --zones 1000,2500,5000,10000 --rounds 1 --networks 10 "
        + "--cli this=PATH/netvirt.dll|APPHOST[,base=OTHER/netvirt.dll|APPHOST] --parts process,inproc,floor[,netns] --threads CORES)";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "cli", "networks", "parts", "rounds", "threads", "zones");
        var sizes = options.Get("zones", "1000,2500,5000,10000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var rounds = int.Parse(options.Get("rounds", "1"), CultureInfo.InvariantCulture);
        // 10 tenant networks (the issue's table); 1 puts every zone on one network (a bridge tree above 1,000 ports).
        var networks = int.Parse(options.Get("networks", "10"), CultureInfo.InvariantCulture);
        var parts = options.Get("parts", "process,inproc,floor").Split(',').ToHashSet(StringComparer.Ordinal);
        var threads = int.Parse(options.Get("threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var clis = options.Get("cli", $"this={CliStartBenchmark.BuiltCli}").Split(',').Select(c => c.Split('=', 2)).Select(c => (Label: c[0], Dll: Path.GetFullPath(c[1]))).ToList();
        foreach (var (label, dll) in clis.Where(c => !File.Exists(c.Dll)))
        {
            throw new ArgumentException($"--cli {label}: {dll} does not exist (build it first)");
        }

        // A domain past about 1,000 ports needs a receive backlog that holds its broadcasts, and more than about 500
        // zones need bigger neighbour tables (the plan refuses both otherwise): raised for the run as the plan tells an
        // operator to, and put back afterwards.
        using var limits = HostLimits.ForNetworks(sizes.Max(), networks);
        Console.Write(limits.Raised);
        return await RunAsync(sizes, rounds, networks, parts, threads, clis, cancellationToken);
    }

    private static async Task<int> RunAsync(
        List<int> sizes, int rounds, int networks, HashSet<string> parts, int threads, List<(string Label, string Dll)> clis, CancellationToken cancellationToken)
    {
        var process = new Dictionary<(int, string), List<(TimeSpan Apply, TimeSpan Noop, TimeSpan Destroy)>>();
        var floor = new Dictionary<int, List<Floor>>();
        var inproc = new Dictionary<int, List<InProcessRun.Result>>();
        var holding = new Dictionary<int, List<(TimeSpan MountCreate, TimeSpan MountRelease, TimeSpan FdCreate, TimeSpan FdRelease)>>();
        Console.WriteLine($"linux-scale: sizes {string.Join(", ", sizes)} on {networks} network(s), {rounds} round(s), parts {string.Join(",", parts)}, builds {string.Join(", ", clis.Select(c => $"{c.Label}={c.Dll}"))}");
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var zones in sizes)
            {
                var model = LinuxApplyBenchmark.Model(zones, networks);
                // Builds alternate from one round to the next, so that neither always runs first.
                foreach (var (label, dll) in round % 2 == 1 ? clis : Enumerable.Reverse(clis))
                {
                    if (parts.Contains("process"))
                    {
                        var r = await CliRuns.RunAsync(dll, model, cancellationToken);
                        Add(process, (zones, label), r);
                        Console.WriteLine($"[round {round}, {zones} zones] {label}: apply {S(r.Apply)}, no-op {S(r.Noop)}, destroy {S(r.Destroy)} (load {Load()})");
                    }
                }

                if (parts.Contains("floor") && networks == 10)
                {
                    var f = await FloorAsync(zones, threads, cancellationToken);
                    Add(floor, zones, f);
                    Console.WriteLine($"[round {round}, {zones} zones] kernel floor: apply {S(f.Apply)} ({string.Join(", ", f.Ranks.Select(r => $"{r.Step} {S(r.Time)}"))}), observe {S(f.Observe)} (host links by a dump {S(f.HostLinksDump)}, read as observation does {S(f.HostLinksRead)}), destroy {S(f.Destroy)}; ip -batch netns add {S(f.IpAdd)}, delete {S(f.IpDelete)} (load {Load()})");
                }

                if (parts.Contains("netns"))
                {
                    var prefix = TestPrefix.ForBenchmark();
                    try
                    {
                        // Alternating which goes first from one round to the next.
                        var mounts = round % 2 == 1 ? NetnsHolding.BindMounts(prefix, zones, threads) : default;
                        var fds = NetnsHolding.FileDescriptors(zones, threads);
                        if (round % 2 == 0)
                        {
                            mounts = NetnsHolding.BindMounts(prefix, zones, threads);
                        }

                        Add(holding, zones, (mounts.Create, mounts.Release, fds.Create, fds.Release));
                        Console.WriteLine($"[round {round}, {zones} zones] namespaces kept by bind mounts: create {S(mounts.Create)}, release {S(mounts.Release)}; by descriptors: create {S(fds.Create)}, release {S(fds.Release)} (load {Load()})");
                    }
                    finally
                    {
                        await ScaleHost.SweepAsync(prefix);
                    }
                }

                if (parts.Contains("inproc"))
                {
                    var r = await InProcessRun.RunAsync(model, threads, cancellationToken);
                    Add(inproc, zones, r);
                    Console.WriteLine($"[round {round}, {zones} zones] in process: store {S(r.Store)} (unchanged again {S(r.StoreAgain)}), apply {S(r.Apply)}, no-op {S(r.Noop)}, destroy {S(r.Destroy)} (load {Load()})");
                    Console.WriteLine($"    apply:   {Phases(r.ApplyPhases)}");
                    Console.WriteLine($"    no-op:   {Phases(r.NoopPhases)}");
                    Console.WriteLine($"    destroy: {Phases(r.DestroyPhases)}");
                }
            }
        }

        Print(sizes, clis.Select(c => c.Label).ToList(), process, floor, inproc);
        if (holding.Count > 0)
        {
            var smallest = sizes.Min();
            var baseRuns = holding.GetValueOrDefault(smallest);
            Console.WriteLine();
            Console.WriteLine("Keeping N empty namespaces alive (NetnsHolding): a bind mount each in /run/netns, or an open descriptor each:");
            Console.WriteLine();
            Console.WriteLine("| zones | bind mounts: create | release | create / zone | descriptors: create | release | create / zone |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var zones in sizes.Where(holding.ContainsKey))
            {
                var runs = holding[zones];
                Console.WriteLine($"| {zones:N0} | {Spread(runs.Select(r => r.MountCreate))} | {Spread(runs.Select(r => r.MountRelease))} | {PerZone(runs.Select(r => r.MountCreate), zones, baseRuns?.Select(r => r.MountCreate), smallest)} | "
                    + $"{Spread(runs.Select(r => r.FdCreate))} | {Spread(runs.Select(r => r.FdRelease))} | {PerZone(runs.Select(r => r.FdCreate), zones, baseRuns?.Select(r => r.FdCreate), smallest)} |");
            }
        }

        return 0;
    }

    private sealed record Floor(TimeSpan Apply, IReadOnlyList<(string Step, TimeSpan Time)> Ranks, TimeSpan Observe, TimeSpan HostLinksDump, TimeSpan HostLinksRead, TimeSpan Destroy, TimeSpan IpAdd, TimeSpan IpDelete);

    private static async Task<Floor> FloorAsync(int zones, int threads, CancellationToken cancellationToken)
    {
        var prefix = TestPrefix.ForBenchmark();
        try
        {
            var kernel = new KernelFloor(prefix, zones, threads);
            var clock = Stopwatch.StartNew();
            var ranks = await kernel.ApplyAsync(cancellationToken);
            var apply = clock.Elapsed;
            var observe = await kernel.ObserveAsync(cancellationToken);
            var (dump, read) = KernelFloor.HostLinksBothWays();
            var destroy = await kernel.DestroyAsync(cancellationToken);
            var (ipAdd, ipDelete) = await IpBatchAsync(prefix, zones, cancellationToken);
            return new Floor(apply, ranks, observe, dump, read, destroy, ipAdd, ipDelete);
        }
        finally
        {
            await ScaleHost.SweepAsync(prefix);
        }
    }

    /// <summary>The issue's own reference: N namespaces added, then deleted, by one <c>ip -batch</c> each.</summary>
    private static async Task<(TimeSpan Add, TimeSpan Delete)> IpBatchAsync(string prefix, int zones, CancellationToken cancellationToken)
    {
        var runner = new ProcessCommandRunner();
        var names = Enumerable.Range(0, zones).Select(i => $"{prefix}-z-ip{i}").ToList();
        var clock = Stopwatch.StartNew();
        var add = await runner.RunAsync(CommandSpec.Of("/usr/sbin/ip", "-batch", "-") with { StandardInput = string.Join('\n', names.Select(n => $"netns add {n}")) + "\n" }, cancellationToken);
        var added = clock.Elapsed;
        clock.Restart();
        var delete = await runner.RunAsync(CommandSpec.Of("/usr/sbin/ip", "-batch", "-") with { StandardInput = string.Join('\n', names.Select(n => $"netns delete {n}")) + "\n" }, cancellationToken);
        var deleted = clock.Elapsed;
        if (!add.Succeeded || !delete.Succeeded)
        {
            throw new InvalidOperationException($"ip -batch failed: {add.Stderr.Trim()} {delete.Stderr.Trim()}");
        }

        return (added, deleted);
    }

    private static void Print(
        List<int> sizes, List<string> labels, Dictionary<(int, string), List<(TimeSpan Apply, TimeSpan Noop, TimeSpan Destroy)>> process,
        Dictionary<int, List<Floor>> floor, Dictionary<int, List<InProcessRun.Result>> inproc)
    {
        var smallest = sizes.Min();
        Console.WriteLine();
        Console.WriteLine($"{Environment.ProcessorCount} cores, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, load {Load()}. Median (min–max) of the rounds; per zone: median / N, and × its value at {smallest:N0} zones.");
        if (process.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Whole netvirt processes (start-up included):");
            Console.WriteLine();
            Console.WriteLine("| zones | build | apply | no-op re-apply | destroy | apply / zone | no-op / zone | destroy / zone |");
            Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|");
            foreach (var zones in sizes)
            {
                foreach (var label in labels.Where(l => process.ContainsKey((zones, l))))
                {
                    var runs = process[(zones, label)];
                    var baseRuns = process.GetValueOrDefault((smallest, label));
                    Console.WriteLine($"| {zones:N0} | {label} | {Spread(runs.Select(r => r.Apply))} | {Spread(runs.Select(r => r.Noop))} | {Spread(runs.Select(r => r.Destroy))} | "
                        + $"{PerZone(runs.Select(r => r.Apply), zones, baseRuns?.Select(r => r.Apply), smallest)} | {PerZone(runs.Select(r => r.Noop), zones, baseRuns?.Select(r => r.Noop), smallest)} | "
                        + $"{PerZone(runs.Select(r => r.Destroy), zones, baseRuns?.Select(r => r.Destroy), smallest)} |");
                }
            }
        }

        if (floor.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Kernel floor (the same kernel work in the same batches, nothing of NetVirt around it), and the issue's `ip -batch netns add`:");
            Console.WriteLine();
            Console.WriteLine("| zones | apply | observe | destroy | apply / zone | observe / zone | destroy / zone | ip -batch: netns add | netns delete | netns add / zone |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            var baseFloor = floor.GetValueOrDefault(smallest);
            foreach (var zones in sizes.Where(floor.ContainsKey))
            {
                var runs = floor[zones];
                Console.WriteLine($"| {zones:N0} | {Spread(runs.Select(r => r.Apply))} | {Spread(runs.Select(r => r.Observe))} | {Spread(runs.Select(r => r.Destroy))} | "
                    + $"{PerZone(runs.Select(r => r.Apply), zones, baseFloor?.Select(r => r.Apply), smallest)} | {PerZone(runs.Select(r => r.Observe), zones, baseFloor?.Select(r => r.Observe), smallest)} | "
                    + $"{PerZone(runs.Select(r => r.Destroy), zones, baseFloor?.Select(r => r.Destroy), smallest)} | {Spread(runs.Select(r => r.IpAdd))} | {Spread(runs.Select(r => r.IpDelete))} | "
                    + $"{PerZone(runs.Select(r => r.IpAdd), zones, baseFloor?.Select(r => r.IpAdd), smallest)} |");
            }
        }

        if (inproc.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("In process (no start-up), with NetVirt's phases (medians; parts overlap where they run side by side):");
            Console.WriteLine();
            Console.WriteLine("| zones | store | apply | no-op | destroy | apply / zone | no-op / zone | destroy / zone |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            var baseRuns = inproc.GetValueOrDefault(smallest);
            foreach (var zones in sizes.Where(inproc.ContainsKey))
            {
                var runs = inproc[zones];
                Console.WriteLine($"| {zones:N0} | {Spread(runs.Select(r => r.Store))} | {Spread(runs.Select(r => r.Apply))} | {Spread(runs.Select(r => r.Noop))} | {Spread(runs.Select(r => r.Destroy))} | "
                    + $"{PerZone(runs.Select(r => r.Apply), zones, baseRuns?.Select(r => r.Apply), smallest)} | {PerZone(runs.Select(r => r.Noop), zones, baseRuns?.Select(r => r.Noop), smallest)} | "
                    + $"{PerZone(runs.Select(r => r.Destroy), zones, baseRuns?.Select(r => r.Destroy), smallest)} |");
            }

            foreach (var (title, pick) in new (string, Func<InProcessRun.Result, IReadOnlyDictionary<string, TimeSpan>>)[] { ("apply", r => r.ApplyPhases), ("no-op", r => r.NoopPhases), ("destroy", r => r.DestroyPhases) })
            {
                var names = inproc.Values.SelectMany(l => l).SelectMany(r => pick(r).Keys).Distinct().Order(StringComparer.Ordinal).ToList();
                var shown = sizes.Where(inproc.ContainsKey).ToList();
                Console.WriteLine();
                Console.WriteLine($"| {title}: phase | {string.Join(" | ", shown.Select(z => $"{z:N0} zones"))} |");
                Console.WriteLine($"|---|{string.Concat(shown.Select(_ => "---:|"))}");
                foreach (var name in names)
                {
                    Console.WriteLine($"| {name} | {string.Join(" | ", shown.Select(z => S(Median(inproc[z].Select(r => pick(r).GetValueOrDefault(name))))))} |");
                }
            }
        }
    }


    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> table, TKey key, TValue value)
        where TKey : notnull
    {
        if (!table.TryGetValue(key, out var list))
        {
            table[key] = list = [];
        }

        list.Add(value);
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? TimeSpan.Zero : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Spread(IEnumerable<TimeSpan> values)
    {
        var list = values.ToList();
        return list.Count == 1 ? S(list[0]) : $"{S(Median(list))} ({list.Min().TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)}–{S(list.Max())})";
    }

    private static string PerZone(IEnumerable<TimeSpan> values, int zones, IEnumerable<TimeSpan>? baseValues, int baseZones)
    {
        var perZone = Median(values).TotalMilliseconds / zones;
        var text = perZone.ToString("F2", CultureInfo.InvariantCulture) + " ms";
        if (baseValues is not null && zones != baseZones && Median(baseValues).TotalMilliseconds / baseZones is var basePerZone and > 0)
        {
            text += $" ({(perZone / basePerZone).ToString("F2", CultureInfo.InvariantCulture)}×)";
        }

        return text;
    }

    private static string Phases(IReadOnlyDictionary<string, TimeSpan> phases) =>
        string.Join(", ", phases.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {S(p.Value)}"));

    private static string S(TimeSpan t) => t.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s";

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
