using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Store;

namespace NetVirt.Bench.Ipam;

/// <summary>
/// IPAM figures of the issue: allocations per second in one process and in 8 concurrent processes on one file;
/// the free-space view of a /16 holding 50,000 allocations with scattered releases (side by side with listing every
/// address, which is what tools without a free view make users do); storing 1,000 new zones with automatic
/// addresses.
/// </summary>
public sealed class IpamBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "ipam";

    /// <inheritdoc />
    public string Description => "allocations/s (1 and 8 processes), free-space view of a /16 with 50,000 allocations, storing 1,000 zones";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "large", "per-worker", "single");
        var single = int.Parse(options.Get("single", "6000"), CultureInfo.InvariantCulture);
        var perWorker = int.Parse(options.Get("per-worker", "500"), CultureInfo.InvariantCulture);
        var large = int.Parse(options.Get("large", "50000"), CultureInfo.InvariantCulture);
        var work = Directory.CreateTempSubdirectory("netvirt-bench-ipam");
        try
        {
            var rows = new List<(string, string)>();

            // 1. One process, one transaction per allocation, in steady state: a warm-up on another file first, so
            // that the figure is not the JIT compiling the allocation path.
            AllocationsPerSecond(NewStore(work, "warm.db", "10.0.0.0/16"), 300);
            var singleRate = AllocationsPerSecond(NewStore(work, "single.db", "10.0.0.0/16"), single);
            rows.Add(("Allocations/s, 1 process (file database, one transaction each)", $"{singleRate:N0} /s ({single} allocations)"));

            // 1b. The same with WAL checkpoints on a timer instead of inside commits, as `netvirt serve` runs; the
            // figure includes the last checkpoint, run when the timer stops.
            var served = NewStore(work, "served.db", "10.0.0.0/16");
            var stopwatch = Stopwatch.StartNew();
            using (served.Database.CheckpointInBackground(TimeSpan.FromSeconds(1)))
            {
                AllocationsPerSecond(served, single);
            }

            rows.Add(("Allocations/s, 1 process, checkpoints in the background (as `netvirt serve`)", $"{single / stopwatch.Elapsed.TotalSeconds:N0} /s ({single} allocations)"));

            // 2. Eight processes on one file.
            NewStore(work, "multi.db", "10.0.0.0/16");
            var (aggregate, wall) = await RunWorkersAsync(Path.Combine(work.FullName, "multi.db"), 8, perWorker, cancellationToken);
            rows.Add(("Allocations/s, 8 processes on one file (aggregate)", $"{aggregate:N0} /s ({8 * perWorker} allocations in {wall:0.00} s, incl. process start)"));

            // 3. Free-space view on a /16 holding `large` allocations with scattered releases.
            var big = NewStore(work, "large.db", "10.1.0.0/16");
            var model = big.Load().Authored;
            var zones = Enumerable.Range(0, large).Select(i => IpamWorker.Zone($"z{i}", "n1")).ToList();
            var setup = Stopwatch.StartNew();
            big.Replace(model with { Zones = zones.ToEquatableArray() }, HostTarget.Linux);
            // Release every 97th and every 1,013th zone's address: scattered holes.
            big.Replace(model with { Zones = zones.Where((_, i) => i % 97 != 5 && i % 1013 != 7).ToEquatableArray() }, HostTarget.Linux);
            var setupSeconds = setup.Elapsed.TotalSeconds;
            // A fresh store object per query: the view is cached per desired-state generation, and what the figure is
            // about is computing it (the first query after a change); the cached answer is shown beside it.
            var (freeMs, ranges) = Median(() => new NetVirtStore(big.Database).FreeRanges("n1", AddressFamily.InterNetwork).Count);
            var (cachedMs, _) = Median(() => big.FreeRanges("n1", AddressFamily.InterNetwork).Count);
            var (listMs, listed) = Median(() => big.Addresses("n1").Count);
            var (usageMs, _) = Median(() => big.Usage("n1").Count);
            rows.Add(($"Free-space view, /16 with {large:N0} allocations and scattered releases", $"{freeMs:0.0} ms median → {ranges} ranges"));
            rows.Add(("Same view again at the same generation (cached, as the API serves it)", $"{cachedMs:0.00} ms median"));
            rows.Add(("Baseline: list every address of that network", $"{listMs:0.0} ms median → {listed:N0} rows"));
            rows.Add(("Usage view (counts, utilisation, next address)", $"{usageMs:0.0} ms median"));

            // 4. Storing 1,000 new zones with automatic addresses (what apply does before it plans).
            var thousand = NewStore(work, "thousand.db", "10.2.0.0/16");
            var thousandModel = thousand.Load().Authored with { Zones = Enumerable.Range(0, 1000).Select(i => IpamWorker.Zone($"t{i}", "n1")).ToEquatableArray() };
            stopwatch.Restart();
            thousand.Replace(thousandModel, HostTarget.Linux);
            rows.Add(("Store 1,000 new zones (MAC + IPv4 allocation, one transaction)", $"{stopwatch.Elapsed.TotalMilliseconds:0} ms"));

            Console.WriteLine($"| IPAM ({Environment.ProcessorCount} cores) | result |");
            Console.WriteLine("|---|---|");
            foreach (var (what, value) in rows)
            {
                Console.WriteLine($"| {what} | {value} |");
            }

            Console.WriteLine($"\n(setup of the large network: {setupSeconds:0.0} s)");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            work.Delete(recursive: true);
        }
    }

    /// <summary>Adds <paramref name="count"/> zones with one automatic address each, one transaction each; the rate.</summary>
    private static double AllocationsPerSecond(NetVirtStore store, int count)
    {
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            store.AddZone(IpamWorker.Zone($"s{i}", "n1"), HostTarget.Linux);
        }

        return count / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Runs <paramref name="workers"/> ipam-worker processes at once; returns the aggregate rate and wall time.</summary>
    public static async Task<(double Rate, double Wall)> RunWorkersAsync(string database, int workers, int perWorker, CancellationToken cancellationToken)
    {
        var self = typeof(IpamBenchmark).Assembly.Location;
        var stopwatch = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, workers).Select(w => Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { self, "ipam-worker", "--db", database, "--network", "n1", "--count", perWorker.ToString(CultureInfo.InvariantCulture), "--prefix", $"w{w}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!).ToList();
        foreach (var p in processes)
        {
            await p.WaitForExitAsync(cancellationToken);
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"worker failed: {await p.StandardError.ReadToEndAsync(cancellationToken)}");
            }
        }

        var wall = stopwatch.Elapsed.TotalSeconds;
        return (workers * perWorker / wall, wall);
    }

    private static NetVirtStore NewStore(DirectoryInfo work, string file, string subnet)
    {
        var store = NetVirtStore.Open(Path.Combine(work.FullName, file), busyTimeout: TimeSpan.FromSeconds(30));
        store.Replace(new NetworkModel
        {
            Etherstubs = [new EtherstubSpec { Name = "stub0" }],
            Networks = [new NetworkSpec { Name = "n1", Over = "stub0", Vlan = 10, Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse(subnet) } }],
        }, HostTarget.Linux);
        return store;
    }

    private static (double Milliseconds, int Result) Median(Func<int> query)
    {
        var result = query(); // warm-up
        var times = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            result = query();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return (times[times.Count / 2], result);
    }
}
