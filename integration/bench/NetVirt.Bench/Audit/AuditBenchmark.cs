using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NetVirt.Audit.Capture;
using NetVirt.Audit.Reports;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Topology;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux;
using NetVirt.Documents;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation;
using NetVirt.Store;

namespace NetVirt.Bench.Audit;

/// <summary>
/// The full active audit (every probe kind, every ordered pair) of N zones in 5 tenant VLANs over one etherstub, each
/// tenant with IPv4 and IPv6 gateways (a router namespace each), each zone with default protection (mac-nospoof +
/// ip-nospoof). The topology is applied by the Linux backend under a test prefix and destroyed at the end, also on
/// failure. Reports how the time grows with N: frames grow with
/// the number of pairs, rounds do not (one capture run, probes sent once per source and per peer, back to back).
/// </summary>
public sealed class AuditBenchmark : IBenchmark
{
    private const string Ip = "/usr/sbin/ip";
    private const int Vlans = 5;

    /// <inheritdoc />
    public string Name => "audit";

    /// <inheritdoc />
    public string Description => "full isolation audit of N zones in 5 VLANs, all probe kinds, all ordered pairs (args: --zones 10,25,50,100,200 [--reports DIR])";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args);
        var sizes = options.Get("zones", "10,25,50,100,200").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var keep = options.Get("reports", "");
        var engine = new SharpPcapCaptureEngine();
        Console.WriteLine($"engine: {engine.Name}; {Environment.ProcessorCount} cores");
        var rows = new List<string>();
        foreach (var n in sizes)
        {
            rows.Add(await MeasureAsync(engine, n, keep.Length == 0 ? null : Path.Combine(keep, $"{n}-zones"), cancellationToken));
        }

        Console.WriteLine();
        Console.WriteLine("| zones | ordered pairs | probes sent | frames captured | probe arrivals | findings | audit time | per pair | reports written |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    private static async Task<string> MeasureAsync(SharpPcapCaptureEngine engine, int zones, string? keepReports, CancellationToken cancellationToken)
    {
        var prefix = "nvt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))[..3];
        var naming = new LinuxNaming(prefix);
        var loaded = DocumentLoader.Load("bench.yaml", ModelYaml(zones));
        if (!loaded.IsValid)
        {
            throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        }

        var directory = Directory.CreateTempSubdirectory("netvirt-bench-").FullName;
        var store = NetVirtStore.Open(Path.Combine(directory, "netvirt.db"));
        store.Replace(loaded.Model, HostTarget.Linux);
        var topology = AuditTopology.FromModel(store.Load().Resolved, naming);
        Reconciler? reconciler = null;
        try
        {
            var setup = Stopwatch.StartNew();
            reconciler = await BuildAsync(store, prefix, cancellationToken);
            Console.WriteLine($"[{zones} zones] applied with the Linux backend under {prefix} in {setup.Elapsed.TotalSeconds:F1} s");

            var audit = new IsolationAudit(engine, new LinuxAuditHost());
            var clock = Stopwatch.StartNew();
            var result = await audit.RunAsync(topology, cancellationToken: cancellationToken);
            var elapsed = clock.Elapsed;
            var reportDir = keepReports ?? Path.Combine(Path.GetTempPath(), $"{prefix}-audit");
            clock.Restart();
            ReportDirectory.Write(result, reportDir);
            var reports = clock.Elapsed;
            if (keepReports is null)
            {
                Directory.Delete(reportDir, recursive: true);
            }
            Console.WriteLine($"[{zones} zones] audit {elapsed.TotalSeconds:F2} s: {result.Run.ProbesSent:N0} probes, {result.Run.FramesCaptured:N0} frames, {result.Findings.Count} findings; {string.Join("; ", result.Run.Notes)}");
            foreach (var f in result.Findings.Take(5))
            {
                Console.WriteLine($"  {f.Kind} {topology.Endpoints[f.Source].Name} -> {(f.Receiver < 0 ? "-" : topology.Endpoints[f.Receiver].Name)} {f.Probe}: {f.Observed}");
            }

            return string.Create(CultureInfo.InvariantCulture,
                $"| {zones} | {topology.PairCount:N0} | {result.Run.ProbesSent:N0} | {result.Run.FramesCaptured:N0} | {result.Run.Arrivals:N0} | {result.Findings.Count} | {elapsed.TotalSeconds:F2} s | {elapsed.TotalMilliseconds * 1000 / Math.Max(1, topology.PairCount):F0} µs | {reports.TotalSeconds:F2} s |");
        }
        finally
        {
            var teardown = Stopwatch.StartNew();
            await RemoveAsync(reconciler, prefix);
            Console.WriteLine($"[{zones} zones] removed in {teardown.Elapsed.TotalSeconds:F1} s");
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string ModelYaml(int zones)
    {
        var yaml = new StringBuilder("etherstubs:\n  - name: stub0\nnetworks:\n");
        for (var v = 0; v < Vlans; v++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ name: t{v}, tenant: t{v}, over: stub0, vlan: {100 + v}, ipv4: {{ subnet: 10.{200 + v}.0.0/16, gateway: 10.{200 + v}.0.1 }}, ipv6: {{ subnet: \"fd77:{v}::/64\", gateway: \"fd77:{v}::1\" }} }}\n");
        }

        yaml.Append("zones:\n");
        for (var z = 0; z < zones; z++)
        {
            var v = z % Vlans;
            yaml.Append(CultureInfo.InvariantCulture,
                $"  - {{ name: z{z}, vnics: [ {{ name: net0, network: t{v}, mac: \"02:4e:42:{v:x2}:{z >> 8:x2}:{z & 0xff:x2}\", addresses: [ {{ tag: a, address: 10.{200 + v}.{1 + (z >> 8)}.{(z & 0xff) + 1}/16 }}, {{ tag: b, address: \"fd77:{v}::{z + 0x100:x}/64\" }} ] }} ] }}\n");
        }

        return yaml.ToString();
    }

    // The topology is what the Linux backend builds for the model: apply through the reconciler, destroy afterwards,
    // and sweep anything of the prefix that is left (also after a failure).
    private static async Task<Reconciler> BuildAsync(NetVirtStore store, string prefix, CancellationToken cancellationToken)
    {
        var backend = new LinuxBackend(new ProcessCommandRunner(), new LinuxBackendOptions { Prefix = prefix });
        var reconciler = new Reconciler(store, backend);
        var (plan, report) = await reconciler.ApplyAsync(new ApplyOptions { Trigger = "bench" }, null, cancellationToken);
        if (!plan.Plan.Problems.IsEmpty || report is not { Succeeded: true })
        {
            throw new InvalidOperationException($"apply failed: {string.Join("; ", plan.Plan.Problems)} {report?.Error}");
        }

        return reconciler;
    }

    private static async Task RemoveAsync(Reconciler? reconciler, string prefix)
    {
        if (reconciler is not null)
        {
            try
            {
                await reconciler.DestroyAsync(new ApplyOptions { Trigger = "bench" }, null, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Console.WriteLine($"destroy failed, sweeping: {ex.Message}");
            }
        }

        var batch = new StringBuilder();
        foreach (var netns in Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns").Select(Path.GetFileName) : [])
        {
            if (netns!.StartsWith(prefix + "-", StringComparison.Ordinal))
            {
                batch.Append(CultureInfo.InvariantCulture, $"netns del {netns}\n");
            }
        }

        await RunAsync(Ip, ["-force", "-batch", "-"], batch.ToString(), CancellationToken.None, check: false);
        await RunAsync("/usr/sbin/nft", ["delete", "table", "bridge", prefix], "", CancellationToken.None, check: false);
    }

    private static async Task RunAsync(string executable, string[] args, string input, CancellationToken cancellationToken, bool check = true)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {executable}");
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} {string.Join(' ', args)} failed (exit {process.ExitCode}): {(await stderr).Trim()}");
        }
    }
}
