using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetVirt.Bench.Cli;

namespace NetVirt.Bench.Cni;

/// <summary>
/// The CNI issue's figures, NetVirt's plugin side by side with Debian's reference plugins (bridge + host-local, the
/// containernetworking-plugins package in /usr/lib/cni) in one run, interleaved (A B A B) because the machine is shared:
/// <list type="bullet">
/// <item>the plugin executed directly as a runtime does (VERSION then ADD per container, each in its own network
/// namespace made beforehand; then DEL of every container), N = 100 and 1,000: total time, per-call p50 and p99, the
/// 10th call against the 1,000th (each the median of the ten calls around it), and duplicate and leaked addresses;</item>
/// <item>20 sequential and 20 parallel <c>podman run --rm … true</c> with each plugin, after 40 runs not counted (first use
/// of podman's storage; the start-up of NetVirt's daemon, made for the round), whose times are printed too.</item>
/// </list>
/// Everything carries an <c>nvt</c> prefix and is removed afterwards, also on failure.
/// </summary>
public sealed class CniBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "cni";

    /// <inheritdoc />
    public string Description => "netvirt-cni vs bridge + host-local executed as a runtime does, and podman run with each (args: --containers 100,1000 (0: none) --rounds 2 --podman 20 --warm 40 --plugins netvirt,reference [--plugin NETVIRT_CNI] [--cli NETVIRT_APPHOST])";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "cli", "containers", "plugin", "plugins", "podman", "rounds", "warm");
        var sizes = options.Get("containers", "100,1000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var rounds = int.Parse(options.Get("rounds", "2"), CultureInfo.InvariantCulture);
        var podmanRuns = int.Parse(options.Get("podman", "20"), CultureInfo.InvariantCulture);
        var warmRuns = Math.Max(1, int.Parse(options.Get("warm", "40"), CultureInfo.InvariantCulture));
        var kinds = options.Get("plugins", "netvirt,reference").Split(',').Select(k => k == "netvirt" ? PluginKind.NetVirt : k == "reference" ? PluginKind.Reference
            : throw new ArgumentException($"--plugins: '{k}' is neither netvirt nor reference")).ToList();
        var plugin = options.Get("plugin", Path.Combine(CliStartBenchmark.RepoRoot(), "artifacts", "cni", "netvirt-cni"));
        // The daemon as users run it (bin/netvirt starts the ReadyToRun publish), not this benchmark's JIT build, whose
        // start-up compiling would compete with the runtimes for the cores in the first runs.
        var cli = options.Get("cli", CliStartBenchmark.PublishedCli);
        foreach (var file in new[] { plugin, cli })
        {
            if (!File.Exists(file))
            {
                Console.Error.WriteLine($"{file} is missing: run scripts/setup.sh (it publishes the plugin to artifacts/cni and the CLI to src/NetVirt.Cli/bin/Release/publish), or give --plugin / --cli");
                return 2;
            }
        }

        var direct = new List<DirectResult>();
        var podman = new List<PodmanResult>();
        // podman first, on a host that no earlier part of the run has left the kernel tearing down thousands of
        // namespaces for (which went on into the first plugin's podman runs when they came after the direct calls); the
        // plugins' order alternates per round.
        for (var round = 0; round < rounds && podmanRuns > 0; round++)
        {
            foreach (var kind in round % 2 == 0 ? kinds : Enumerable.Reverse(kinds))
            {
                await using var setup = await PluginSetup.CreateAsync(kind, plugin, cli, cancellationToken);
                var result = await MeasurePodmanAsync(setup, podmanRuns, warmRuns, cancellationToken);
                podman.Add(result);
                Console.Error.WriteLine($"{kind} podman round {round + 1}: first run {result.First.TotalMilliseconds:0} ms, {podmanRuns} sequential {result.Sequential.TotalSeconds:0.00} s, parallel {result.Parallel.TotalSeconds:0.00} s");
            }
        }

        foreach (var n in sizes.Where(n => n > 0))
        {
            for (var round = 0; round < rounds; round++)
            {
                // Interleaved: NetVirt, reference, NetVirt, reference, ... under fresh prefixes each.
                foreach (var kind in kinds)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await using var setup = await PluginSetup.CreateAsync(kind, plugin, cli, cancellationToken);
                    var result = await MeasureDirectAsync(setup, n, cancellationToken);
                    direct.Add(result);
                    Console.Error.WriteLine($"{kind} N={n} round {round + 1}: VERSION p50 {result.VersionP50:0.0} ms, ADD total {result.AddTotal.TotalSeconds:0.00} s, p50 {result.AddP50:0.0} ms, " +
                        $"DEL p50 {result.DelP50:0.0} ms, duplicates {result.Duplicates}, leaked {result.Leaked}, mount table {File.ReadLines("/proc/self/mountinfo").Count():N0} lines");
                }
            }
        }

        Print(direct, podman, podmanRuns, warmRuns);
        return 0;
    }

    private static void Print(List<DirectResult> direct, List<PodmanResult> podman, int podmanRuns, int warmRuns)
    {
        Console.WriteLine();
        Console.WriteLine($"CNI plugins executed as a runtime does, {Environment.ProcessorCount} cores, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, {DateTime.UtcNow:yyyy-MM-dd}; each cell: median of the rounds (min–max).");
        Console.WriteLine();
        // A .NET process reads the whole mount table (/proc/self/mountinfo, twice, for its cgroup limits) before Main: the
        // plugin's start grows with the host's mounts (a bind mount per named namespace), Go's plugins' does not.
        Console.WriteLine($"Host mount table when printed: {File.ReadLines("/proc/self/mountinfo").Count():N0} lines; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}.");
        Console.WriteLine();
        if (direct.Count > 0)
        {
            Console.WriteLine("| plugin | containers | VERSION p50 | ADD total (with VERSION) | ADD p50 | ADD p99 | 10th ADD | last ADD | DEL total | DEL p50 | duplicates | leaked |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var group in direct.GroupBy(d => (d.Kind, d.Containers)))
            {
                var g = group.ToList();
                Console.WriteLine($"| {Describe(group.Key.Kind)} | {group.Key.Containers:N0} | {Cell(g, r => r.VersionP50, "ms")} | {Cell(g, r => r.AddTotal.TotalSeconds, "s", "0.00")} | {Cell(g, r => r.AddP50, "ms")} | {Cell(g, r => r.AddP99, "ms")} | " +
                    $"{Cell(g, r => r.Tenth, "ms")} | {Cell(g, r => r.Last, "ms")} | {Cell(g, r => r.DelTotal.TotalSeconds, "s", "0.00")} | {Cell(g, r => r.DelP50, "ms")} | {g.Sum(r => r.Duplicates)} | {g.Sum(r => r.Leaked)} |");
            }
        }

        if (podman.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine($"| plugin | first run (fresh daemon) | runs 2–{warmRuns}, per run (not counted) | {podmanRuns} × podman run --rm … true, sequential | per run | {podmanRuns} in parallel | leaked |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var group in podman.GroupBy(p => p.Kind))
        {
            var g = group.ToList();
            Console.WriteLine($"| {Describe(group.Key)} | {Cell(g, r => r.First.TotalMilliseconds, "ms", "0")} | {Cell(g, r => r.Warm.TotalMilliseconds, "ms", "0")} | {Cell(g, r => r.Sequential.TotalSeconds, "s", "0.00")} | {Cell(g, r => r.Sequential.TotalMilliseconds / podmanRuns, "ms", "0")} | {Cell(g, r => r.Parallel.TotalSeconds, "s", "0.00")} | {g.Sum(r => r.Leaked)} |");
        }
    }

    private static string Describe(PluginKind kind) => kind == PluginKind.NetVirt ? "netvirt-cni" : "bridge + host-local";

    private static string Cell<T>(List<T> rows, Func<T, double> value, string unit, string format = "0.0")
    {
        var values = rows.Select(value).Order().ToList();
        // An even number of rounds has two middle values: their mean (the upper one alone would be the maximum of two).
        var median = values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
        var text = median.ToString(format, CultureInfo.InvariantCulture) + " " + unit;
        return values.Count > 1 ? $"{text} ({values[0].ToString(format, CultureInfo.InvariantCulture)}–{values[^1].ToString(format, CultureInfo.InvariantCulture)})" : text;
    }

    private static async Task<DirectResult> MeasureDirectAsync(PluginSetup setup, int containers, CancellationToken cancellationToken)
    {
        var namespaces = Enumerable.Range(0, containers).Select(i => $"{setup.Prefix}-b{i}").ToList();
        foreach (var ns in namespaces)
        {
            await Run.OkAsync("/usr/sbin/ip", ["netns", "add", ns], cancellationToken);
        }

        setup.Namespaces.AddRange(namespaces);
        var versions = new List<double>(containers);
        var adds = new List<double>(containers);
        var dels = new List<double>(containers);
        var addresses = new List<string>(containers);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < containers; i++)
        {
            var env = setup.Environment("VERSION", i, "dummy");
            var watch = Stopwatch.StartNew();
            await setup.ExecAsync(env, cancellationToken);
            versions.Add(watch.Elapsed.TotalMilliseconds);
            env = setup.Environment("ADD", i, $"/run/netns/{namespaces[i]}");
            watch.Restart();
            var (exit, stdout) = await setup.ExecAsync(env, cancellationToken);
            adds.Add(watch.Elapsed.TotalMilliseconds);
            if (exit != 0)
            {
                throw new InvalidOperationException($"{setup.Kind} ADD of container {i} failed: {stdout}");
            }

            using var result = JsonDocument.Parse(stdout);
            addresses.AddRange(result.RootElement.GetProperty("ips").EnumerateArray().Select(ip => ip.GetProperty("address").GetString()!));
        }

        var addTotal = total.Elapsed;
        total.Restart();
        for (var i = 0; i < containers; i++)
        {
            await setup.ExecAsync(setup.Environment("VERSION", i, "dummy"), cancellationToken);
            var watch = Stopwatch.StartNew();
            var (exit, stdout) = await setup.ExecAsync(setup.Environment("DEL", i, $"/run/netns/{namespaces[i]}"), cancellationToken);
            dels.Add(watch.Elapsed.TotalMilliseconds);
            if (exit != 0)
            {
                throw new InvalidOperationException($"{setup.Kind} DEL of container {i} failed: {stdout}");
            }
        }

        var delTotal = total.Elapsed;
        return new DirectResult(setup.Kind, containers, Percentile(versions, 0.5), addTotal, Percentile(adds, 0.5), Percentile(adds, 0.99), Around(adds, 10), Around(adds, containers),
            delTotal, Percentile(dels, 0.5), addresses.Count - addresses.Distinct(StringComparer.Ordinal).Count(), await setup.HeldAddressesAsync(cancellationToken));
    }

    private static async Task<PodmanResult> MeasurePodmanAsync(PluginSetup setup, int runs, int warmRuns, CancellationToken cancellationToken)
    {
        var rootfs = Path.Combine(setup.Directory, "rootfs");
        foreach (var folder in new[] { "bin", "etc", "proc", "sys", "dev", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(rootfs, folder));
        }

        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
        var storage = Path.Combine(setup.Directory, "p");
        var configuration = Path.Combine(setup.Directory, "containers.conf");
        await File.WriteAllTextAsync(configuration, $"""
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
            [engine]
            runtime = "runc"
            cgroup_manager = "cgroupfs"
            events_logger = "none"
            [network]
            network_backend = "cni"
            cni_plugin_dirs = ["{setup.PluginDir}"]
            network_config_dir = "{setup.ConfDir}"
            """, cancellationToken);
        var env = new Dictionary<string, string> { ["CONTAINERS_CONF"] = configuration };
        string[] Args(string name) => ["--root", Path.Combine(storage, "root"), "--runroot", Path.Combine(storage, "rr"), "--storage-driver", "vfs",
            "run", "--rm", "--name", name, "--network", setup.Network, "--rootfs", rootfs, "/bin/busybox", "true"];
        try
        {
            // Runs first, not counted but reported: podman creates its storage and CNI cache on first use, and NetVirt's
            // daemon, started for this round, compiles its hot paths in the first calls (tiered compilation) on the cores
            // the runtimes need. A daemon runs for days, so the counted runs are the steady state.
            var watch = Stopwatch.StartNew();
            await Run.OkAsync("/usr/bin/podman", Args($"{setup.Prefix}-warm"), cancellationToken, env);
            var first = watch.Elapsed;
            watch.Restart();
            for (var i = 1; i < warmRuns; i++)
            {
                await Run.OkAsync("/usr/bin/podman", Args($"{setup.Prefix}-w{i}"), cancellationToken, env);
            }

            var warm = warmRuns > 1 ? watch.Elapsed / (warmRuns - 1) : TimeSpan.Zero;
            watch.Restart();
            for (var i = 0; i < runs; i++)
            {
                await Run.OkAsync("/usr/bin/podman", Args($"{setup.Prefix}-s{i}"), cancellationToken, env);
            }

            var sequential = watch.Elapsed;
            watch.Restart();
            await Task.WhenAll(Enumerable.Range(0, runs).Select(i => Run.OkAsync("/usr/bin/podman", Args($"{setup.Prefix}-q{i}"), cancellationToken, env)));
            var parallel = watch.Elapsed;
            return new PodmanResult(setup.Kind, first, warm, sequential, parallel, await setup.HeldAddressesAsync(cancellationToken));
        }
        finally
        {
            await Run.TryAsync("/usr/bin/podman", ["--root", Path.Combine(storage, "root"), "--runroot", Path.Combine(storage, "rr"), "--storage-driver", "vfs", "rm", "-f", "-a", "-t", "0"], env);
            await PluginSetup.UnmountUnderAsync(storage);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    // The time of call k (1-based) as the median of the ten calls around it: one call alone is too noisy to compare.
    private static double Around(List<double> values, int k)
    {
        var from = Math.Clamp(k - 5, 0, Math.Max(0, values.Count - 10));
        return Percentile(values.Skip(from).Take(10).ToList(), 0.5);
    }

    private sealed record DirectResult(PluginKind Kind, int Containers, double VersionP50, TimeSpan AddTotal, double AddP50, double AddP99, double Tenth, double Last, TimeSpan DelTotal, double DelP50, int Duplicates, int Leaked);

    private sealed record PodmanResult(PluginKind Kind, TimeSpan First, TimeSpan Warm, TimeSpan Sequential, TimeSpan Parallel, int Leaked);
}
