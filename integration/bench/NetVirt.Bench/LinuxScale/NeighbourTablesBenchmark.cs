using System.Diagnostics;
using System.Globalization;
using NetVirt.Bench.Cli;
using NetVirt.Bench.LinuxApply;
using NetVirt.Testing;

namespace NetVirt.Bench.LinuxScale;

/// <summary>
/// What the host's ARP table limit (<c>net.ipv4.neigh.default.gc_thresh3</c>, one table for the whole host) does to N
/// zones that all talk at once: N zones of the <c>linux-apply</c> topology (10 VLANs, a tenant router each) applied by
/// the CLI, then, for each limit given, every zone's and router's neighbour entries flushed and every zone pinging its
/// gateway at the same time (three echo requests 0.2 s apart, a second each). Prints how many zones got no answer, how
/// many entries the kernel refused (<c>table_fulls</c> in <c>/proc/net/stat/arp_cache</c>) and how many it held after.
/// The baseline is the kernel's default limit, side by side with a raised one. The plan refuses these zones at the
/// default (LinuxRenderer), so the apply runs with the limits raised and each round sets the ARP limit it measures.
/// </summary>
public sealed class NeighbourTablesBenchmark : IBenchmark
{
    private const string Arp = "/proc/sys/net/ipv4/neigh/default/";

    /// <inheritdoc />
    public string Name => "neighbours";

    /// <inheritdoc />
    public string Description => "N zones pinging their gateways at once, at the kernel's default ARP table limit vs a raised one (args: --zones 1000 --limits 1024,8192 --parallel 100 [--cli APPHOST])";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "cli", "limits", "parallel", "zones");
        var zones = int.Parse(options.Get("zones", "1000"), CultureInfo.InvariantCulture);
        var limits = options.Get("limits", "1024,8192").Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
        var parallel = int.Parse(options.Get("parallel", "100"), CultureInfo.InvariantCulture);
        var cli = options.Get("cli", CliStartBenchmark.PublishedCli);
        if (!File.Exists(cli))
        {
            Console.Error.WriteLine($"{cli} is missing: run scripts/setup.sh's publish (or give --cli)");
            return 2;
        }

        var directory = Directory.CreateTempSubdirectory("netvirt-neighbours-").FullName;
        var prefix = TestPrefix.ForBenchmark();
        string[] common = ["--db", Path.Combine(directory, "netvirt.db"), "--prefix", prefix];
        var model = Path.Combine(directory, "zones.yaml");
        await File.WriteAllTextAsync(model, LinuxApplyBenchmark.Model(zones), cancellationToken);
        Console.WriteLine($"{Environment.ProcessorCount} cores; load {File.ReadAllText("/proc/loadavg").Trim()}; {zones} zones on 10 VLANs; {parallel} pings at a time");
        using var raised = HostLimits.AtLeast(zones);
        Console.Write(raised.Raised);
        var (thresh3, thresh2) = (File.ReadAllText(Arp + "gc_thresh3").Trim(), File.ReadAllText(Arp + "gc_thresh2").Trim());
        var rows = new List<string>();
        try
        {
            await RequireAsync(cli, [.. common, "apply", "-f", model, "--auto-approve", "-q"], cancellationToken);
            foreach (var limit in limits)
            {
                File.WriteAllText(Arp + "gc_thresh3", limit.ToString(CultureInfo.InvariantCulture));
                File.WriteAllText(Arp + "gc_thresh2", (limit / 2).ToString(CultureInfo.InvariantCulture));
                try
                {
                    rows.Add(await RoundAsync(prefix, zones, limit, parallel, cancellationToken));
                }
                finally
                {
                    File.WriteAllText(Arp + "gc_thresh2", thresh2);
                    File.WriteAllText(Arp + "gc_thresh3", thresh3);
                }
            }

            await RequireAsync(cli, [.. common, "destroy", "--auto-approve", "-q"], cancellationToken);
        }
        finally
        {
            await PrefixSweep.RunAsync(prefix);
            Directory.Delete(directory, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine("| `net.ipv4.neigh.default.gc_thresh3` | zones without an answer | refused entries (`table_fulls`) | entries after |");
        Console.WriteLine("|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    // One round: every namespace forgets its neighbours, then every zone pings its gateway, `parallel` at a time.
    private static async Task<string> RoundAsync(string prefix, int zones, int limit, int parallel, CancellationToken cancellationToken)
    {
        var namespaces = Enumerable.Range(0, zones).Select(z => $"{prefix}-z-z{z}").Concat(Enumerable.Range(0, 10).Select(t => $"{prefix}-r-t{t}"));
        await ForEachAsync(namespaces, parallel, async ns => await RunAsync("/usr/sbin/ip", ["-n", ns, "neigh", "flush", "all"], cancellationToken), cancellationToken);
        var refusedBefore = TableFulls();
        var unanswered = 0;
        var clock = Stopwatch.StartNew();
        await ForEachAsync(Enumerable.Range(0, zones), parallel, async z =>
        {
            var exit = await RunAsync("/usr/sbin/ip", ["netns", "exec", $"{prefix}-z-z{z}", "ping", "-c", "3", "-i", "0.2", "-W", "1", "-q", $"10.{z % 10}.0.1"], cancellationToken);
            if (exit != 0)
            {
                Interlocked.Increment(ref unanswered);
            }
        }, cancellationToken);
        var entries = Convert.ToInt64(File.ReadLines("/proc/net/stat/arp_cache").Skip(1).First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], 16);
        var row = string.Create(CultureInfo.InvariantCulture, $"| {limit:N0} | {unanswered:N0} of {zones:N0} | {TableFulls() - refusedBefore:N0} | {entries:N0} |");
        Console.WriteLine($"limit {limit}: {clock.Elapsed.TotalSeconds:F1} s of pings; {row}");
        return row;
    }

    // The "table_fulls" column of /proc/net/stat/arp_cache (hex, one line per processor), summed.
    private static long TableFulls()
    {
        var lines = File.ReadAllLines("/proc/net/stat/arp_cache");
        var column = Array.IndexOf(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), "table_fulls");
        return lines.Skip(1).Sum(l => Convert.ToInt64(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[column], 16));
    }

    private static async Task ForEachAsync<T>(IEnumerable<T> items, int parallel, Func<T, Task> work, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (item, _) => await work(item));

    private static async Task RequireAsync(string cli, string[] args, CancellationToken cancellationToken)
    {
        var run = await CliRun.MeasureAsync(cli, args, TimeSpan.FromMinutes(10), cancellationToken);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"netvirt {string.Join(' ', args)}: exit {run.ExitCode}: {run.Stderr.Trim()}\n{run.Stdout.Trim()}");
        }
    }

    private static async Task<int> RunAsync(string executable, string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {executable}");
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(cancellationToken), process.StandardError.ReadToEndAsync(cancellationToken));
        await process.WaitForExitAsync(cancellationToken);
        await drain;
        return process.ExitCode;
    }
}
