using NetVirt.Testing;
using System.Diagnostics;
using System.Globalization;
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
/// The active audit of N zones in V tenant VLANs over one etherstub (5 by default), each tenant with IPv4 and IPv6
/// gateways (a router namespace each), each zone with default protection (mac-nospoof + ip-nospoof). The topology is
/// applied by the Linux backend under a test prefix and destroyed at the end, also on failure. With <c>--mode</c> the
/// audit runs in this process (full, stratified or chosen by size) and its time, probes and report writing are
/// measured; with <c>--cli</c> (after it, on the same host) it runs as whole <c>netvirt audit --no-reports</c> processes
/// against the benchmark's database, <c>--runs</c> times, each measured by wall time and peak resident memory
/// (<see cref="CliRun"/>), interleaved with a baseline CLI (<c>--baseline DLL</c>, e.g. one built from an older commit)
/// on the same host when given.
/// </summary>
public sealed class AuditBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "audit";

    /// <inheritdoc />
    public string Description => "isolation audit of N zones in V VLANs (args: --zones 10,25,50,100,200 [--vlans 5] [--mode full|stratified|auto] [--lanes N] [--reports DIR] [--cli full|stratified|auto --runs 3 [--baseline DLL] [--timeout 300]]; --mode defaults to full without --cli, to none with it)";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "baseline", "cli", "lanes", "mode", "reports", "runs", "timeout", "vlans", "zones");
        var sizes = options.Get("zones", "10,25,50,100,200").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var vlans = int.Parse(options.Get("vlans", "5"), CultureInfo.InvariantCulture);
        var keep = options.Get("reports", "");
        var engine = new SharpPcapCaptureEngine();
        Console.WriteLine($"engine: {engine.Name}; {Environment.ProcessorCount} cores; load {File.ReadAllText("/proc/loadavg").Trim()}");
        var inProcess = new List<string>();
        var processes = new List<string>();
        // More than about 500 zones need bigger neighbour tables than the kernel's default, and a domain past about
        // 1,000 ports a bigger receive backlog (the plan refuses both otherwise).
        using var limits = HostLimits.ForNetworks(sizes.Max(), vlans);
        Console.Write(limits.Raised);
        foreach (var n in sizes)
        {
            var (own, cli) = await MeasureAsync(engine, n, vlans, options, keep.Length == 0 ? null : Path.Combine(keep, $"{n}-zones"), cancellationToken);
            inProcess.AddRange(own);
            processes.AddRange(cli);
        }

        if (inProcess.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("| zones | VLANs | mode | classes | ordered pairs | probes sent | frames captured | probe arrivals | findings | audit time | per pair | reports written |");
            Console.WriteLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            inProcess.ForEach(Console.WriteLine);
        }

        if (processes.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("| zones | VLANs | CLI | mode | wall time | CPU time | peak memory (VmHWM) | exit | classes | probes sent | frames captured | findings |");
            Console.WriteLine("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            processes.ForEach(Console.WriteLine);
        }

        return 0;
    }

    // In this process with --mode (phases printed as they begin), then as whole CLI processes with --cli; both on one
    // applied host.
    private static async Task<(IReadOnlyList<string> InProcess, IReadOnlyList<string> Processes)> MeasureAsync(SharpPcapCaptureEngine engine, int zones, int vlans, Options options, string? keepReports, CancellationToken cancellationToken)
    {
        var prefix = TestPrefix.ForBenchmark();
        var naming = new LinuxNaming(prefix);
        var loaded = DocumentLoader.Load("bench.yaml", ModelYaml(zones, vlans));
        if (!loaded.IsValid)
        {
            throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        }

        var directory = Directory.CreateTempSubdirectory("netvirt-bench-").FullName;
        var database = Path.Combine(directory, "netvirt.db");
        var store = NetVirtStore.Open(database);
        store.Replace(loaded.Model, HostTarget.Linux);
        var topology = AuditTopology.FromModel(store.Load().Resolved, naming);
        Reconciler? reconciler = null;
        try
        {
            var setup = Stopwatch.StartNew();
            reconciler = await BuildAsync(store, prefix, cancellationToken);
            Console.WriteLine($"[{zones} zones] applied with the Linux backend under {prefix} in {setup.Elapsed.TotalSeconds:F1} s");
            var cliMode = options.Get("cli", "");
            if (options.Get("mode", cliMode.Length > 0 ? "" : "full") is not { Length: > 0 } modeName)
            {
                return ([], await MeasureProcessesAsync(zones, vlans, cliMode, database, prefix, options, cancellationToken));
            }

            var mode = modeName switch
            {
                "full" => AuditMode.Full,
                "stratified" => AuditMode.Stratified,
                "auto" => (AuditMode?)null,
                var other => throw new ArgumentException($"--mode {other}: full, stratified or auto"),
            };
            var audit = new IsolationAudit(engine, new LinuxAuditHost());
            var clock = Stopwatch.StartNew();
            var phases = new PhaseClock(clock);
            var lanes = options.Get("lanes", "");
            var result = await audit.RunAsync(topology, AuditOptions.Default with { Mode = mode, SendLanes = lanes.Length == 0 ? null : int.Parse(lanes, CultureInfo.InvariantCulture) }, phases, cancellationToken);
            Console.WriteLine($"[{zones} zones] phases: {phases}");
            var elapsed = clock.Elapsed;
            var reportDir = keepReports ?? Path.Combine(Path.GetTempPath(), $"{prefix}-audit");
            clock.Restart();
            ReportDirectory.Write(result, reportDir);
            var reports = clock.Elapsed;
            if (keepReports is null)
            {
                Directory.Delete(reportDir, recursive: true);
            }

            Console.WriteLine($"[{zones} zones] {AuditText.Mode(result.Mode)} audit {elapsed.TotalSeconds:F2} s: {result.Classes.Count} classes, {result.Run.ProbesSent:N0} probes, {result.Run.FramesCaptured:N0} frames, {result.Findings.Count} findings; {string.Join("; ", result.Run.Notes)}");
            foreach (var f in result.Findings.Take(5))
            {
                Console.WriteLine($"  {f.Kind} {topology.Endpoints[f.Source].Name} -> {(f.Receiver < 0 ? "-" : topology.Endpoints[f.Receiver].Name)} {f.Probe}: {f.Observed}");
            }

            string[] row = [string.Create(CultureInfo.InvariantCulture,
                $"| {zones} | {vlans} | {AuditText.Mode(result.Mode)} | {result.Classes.Count} | {topology.PairCount:N0} | {result.Run.ProbesSent:N0} | {result.Run.FramesCaptured:N0} | {result.Run.Arrivals:N0} | {result.Findings.Count} | {elapsed.TotalSeconds:F2} s | {elapsed.TotalMilliseconds * 1000 / Math.Max(1, topology.PairCount):F1} µs | {reports.TotalSeconds:F2} s |")];
            return (row, cliMode.Length > 0 ? await MeasureProcessesAsync(zones, vlans, cliMode, database, prefix, options, cancellationToken) : []);
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

    // Whole `netvirt audit` processes on the applied host: this build's CLI (next to this benchmark) and, interleaved,
    // a baseline CLI when given.
    private static async Task<IReadOnlyList<string>> MeasureProcessesAsync(int zones, int vlans, string mode, string database, string prefix, Options options, CancellationToken cancellationToken)
    {
        var runs = int.Parse(options.Get("runs", "3"), CultureInfo.InvariantCulture);
        var timeout = TimeSpan.FromSeconds(double.Parse(options.Get("timeout", "300"), CultureInfo.InvariantCulture));
        var current = Path.Combine(AppContext.BaseDirectory, "netvirt.dll");
        var baseline = options.Get("baseline", "");
        var modeArgs = mode switch
        {
            "full" => new[] { "--full" },
            "stratified" => ["--stratified"],
            "auto" => [],
            _ => throw new ArgumentException($"--cli {mode}: full, stratified or auto"),
        };
        var rows = new List<string>();
        for (var run = 0; run < runs; run++)
        {
            foreach (var (label, dll) in baseline.Length == 0 ? [("this", current)] : new[] { ("this", current), ("baseline", baseline) })
            {
                var measured = await CliRun.MeasureAsync("dotnet", [dll, "--db", database, "--prefix", prefix, "audit", "--no-reports", .. modeArgs], timeout, cancellationToken);
                var summary = measured.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("Audited ", StringComparison.Ordinal))?.Trim() ?? "";
                var modeLine = measured.Stdout.Split('\n').FirstOrDefault(l => l.Contains(" audit: ", StringComparison.Ordinal))?.Trim() ?? "";
                var findings = measured.Stdout.Split('\n').FirstOrDefault(l => l.Contains("finding(s)", StringComparison.Ordinal) || l.StartsWith("CLEAN", StringComparison.Ordinal))?.Trim() ?? "";
                var error = measured.Stderr.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
                Console.WriteLine($"[{zones} zones] {label} CLI run {run + 1}: {measured.Wall.TotalSeconds:F2} s (CPU {measured.Cpu.TotalSeconds:F2} s), peak RSS {measured.PeakKiB / 1024.0:F0} MiB, exit {(measured.TimedOut ? "killed at timeout" : measured.ExitCode.ToString(CultureInfo.InvariantCulture))}; {summary} {modeLine} {findings} {error}");
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {zones} | {vlans} | {label} | {mode} | {measured.Wall.TotalSeconds:F2} s | {measured.Cpu.TotalSeconds:F2} s | {measured.PeakKiB / 1024.0:F0} MiB | {(measured.TimedOut ? "timeout" : measured.ExitCode.ToString(CultureInfo.InvariantCulture))} | {Field(modeLine, "into ", " classes")} | {Field(summary, "pairs: ", " probes sent")} | {Field(summary, "sent, ", " frames captured")} | {(findings.StartsWith("CLEAN", StringComparison.Ordinal) ? "0" : Field(findings, "", " finding(s)"))} |"));
            }
        }

        return rows;
    }

    private static string Field(string line, string before, string after)
    {
        var start = before.Length == 0 ? 0 : line.IndexOf(before, StringComparison.Ordinal);
        if (start < 0)
        {
            return "—";
        }

        start += before.Length;
        var end = line.IndexOf(after, start, StringComparison.Ordinal);
        return end < 0 ? "—" : line[start..end];
    }

    private static string ModelYaml(int zones, int vlans)
    {
        var yaml = new StringBuilder("etherstubs:\n  - name: stub0\nnetworks:\n");
        for (var v = 0; v < vlans; v++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ name: t{v}, tenant: t{v}, over: stub0, vlan: {100 + v}, ipv4: {{ subnet: 10.{200 + v}.0.0/16, gateway: 10.{200 + v}.0.1 }}, ipv6: {{ subnet: \"fd77:{v}::/64\", gateway: \"fd77:{v}::1\" }} }}\n");
        }

        yaml.Append("zones:\n");
        for (var z = 0; z < zones; z++)
        {
            var v = z % vlans;
            yaml.Append(CultureInfo.InvariantCulture,
                $"  - {{ name: z{z}, vnics: [ {{ name: net0, network: t{v}, mac: \"02:4e:42:{v:x2}:{z >> 8:x2}:{z & 0xff:x2}\", addresses: [ {{ tag: a, address: 10.{200 + v}.{1 + (z / 250)}.{(z % 250) + 2}/16 }}, {{ tag: b, address: \"fd77:{v}::{z + 0x100:x}/64\" }} ] }} ] }}\n");
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

        await PrefixSweep.RunAsync(prefix);
    }

    // Prints when each phase of the audit began, as it begins (synchronously, from the audit's own thread).
    private sealed class PhaseClock(Stopwatch clock) : IProgress<AuditProgress>
    {
        private readonly List<string> seen = [];
        private AuditPhase? last;

        public void Report(AuditProgress value)
        {
            if (value.Phase != last)
            {
                last = value.Phase;
                seen.Add(string.Create(CultureInfo.InvariantCulture, $"{value.Phase.ToString().ToLowerInvariant()} at {clock.Elapsed.TotalSeconds:F2} s"));
                Console.WriteLine($"  {seen[^1]}");
            }
        }

        public override string ToString() => string.Join(", ", seen);
    }
}
