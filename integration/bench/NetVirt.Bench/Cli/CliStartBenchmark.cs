using NetVirt.Testing;
using System.Globalization;
using NetVirt.Bench.LinuxApply;

namespace NetVirt.Bench.Cli;

/// <summary>
/// Issue 14 item 4: whole <c>netvirt</c> processes, start-up included, as a user runs them. Two builds side by side,
/// interleaved (A B, then B A, …) on the same host: the JIT build (<c>dotnet netvirt.dll</c> from <c>dotnet build</c>,
/// what <c>bin/netvirt</c> ran before) and the ReadyToRun publish (its <c>netvirt</c> apphost, what <c>bin/netvirt</c>
/// runs once <c>scripts/setup.sh</c> has published it). Per run and build: <c>validate</c> of the sample several times,
/// then <c>apply</c> of N zones (the linux-apply topology: one VNIC each on 10 tenant VLANs, IPv4 + IPv6, default
/// protection) from scratch, the no-op re-apply, and <c>destroy</c>, each under its own <c>nvt</c> prefix and database,
/// swept afterwards. Each process's CPU time (user + system) is reported beside its wall time: on a shared machine
/// the wall time follows the load. More than 500 namespaces: run it under <c>flock /work/wt/.bench.lock</c> on a shared machine.
/// </summary>
public sealed class CliStartBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "cli-start";

    /// <inheritdoc />
    public string Description => "whole netvirt processes, JIT build vs ReadyToRun publish, interleaved: validate of the sample, apply / no-op re-apply / destroy of N zones (args: --zones 1000 --runs 3 --validates 5 --settle 5 [--jit DLL] [--r2r APPHOST] [--against LABEL=OTHER_APPHOST])";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "against", "jit", "r2r", "runs", "settle", "validates", "zones");
        var zones = int.Parse(options.Get("zones", "1000"), CultureInfo.InvariantCulture);
        var runs = int.Parse(options.Get("runs", "3"), CultureInfo.InvariantCulture);
        var validates = int.Parse(options.Get("validates", "5"), CultureInfo.InvariantCulture);
        // Seconds to wait after each destroy: the kernel frees a thousand deleted namespaces in the background for a
        // few seconds, and without a pause that work lands in the next build's apply (seen back to back: the third and
        // fourth runs of both builds 0.3–0.9 s slower than their first two, with more CPU time).
        var settle = TimeSpan.FromSeconds(double.Parse(options.Get("settle", "5"), CultureInfo.InvariantCulture));
        var repo = RepoRoot();
        var jit = options.Get("jit", BuiltCli);
        var r2r = options.Get("r2r", PublishedCli);
        var sample = Path.Combine(repo, "schemas/examples/multi-tenant.yaml");
        foreach (var file in new[] { jit, r2r, sample })
        {
            if (!File.Exists(file))
            {
                Console.Error.WriteLine($"{file} is missing: build the solution and run scripts/setup.sh's publish (or give --jit / --r2r)");
                return 2;
            }
        }

        // --against LABEL=APPHOST: another build's ReadyToRun apphost in the first column instead of this build's JIT
        // (e.g. main=/work/main/src/NetVirt.Cli/bin/Release/publish/netvirt), so two builds compare as users run them.
        Build[] builds = options.Get("against", "") is { Length: > 0 } against && against.Split('=', 2) is [var label, var apphost]
            ? [new($"{label} (ReadyToRun)", Path.GetFullPath(apphost), []), new("this build (ReadyToRun)", r2r, [])]
            : [new("JIT (dotnet netvirt.dll)", "dotnet", [jit]), new("ReadyToRun (apphost)", r2r, [])];
        var directory = Directory.CreateTempSubdirectory("netvirt-cli-start-").FullName;
        var model = Path.Combine(directory, "zones.yaml");
        await File.WriteAllTextAsync(model, LinuxApplyBenchmark.Model(zones), cancellationToken);
        Console.WriteLine($"{Environment.ProcessorCount} cores; load {File.ReadAllText("/proc/loadavg").Trim()}; {zones} zones; {runs} runs; {settle.TotalSeconds:0.#} s settle after each destroy");
        // More than about 500 zones need bigger neighbour tables than the kernel's default (the plan refuses otherwise).
        using var limits = HostLimits.AtLeast(zones);
        Console.Write(limits.Raised);
        var times = new Dictionary<(string Step, int Build), List<double>>();
        try
        {
            for (var run = 0; run < runs; run++)
            {
                foreach (var b in run % 2 == 0 ? new[] { 0, 1 } : [1, 0])
                {
                    await MeasureAsync(builds[b], b, run, zones, validates, sample, model, directory, times, cancellationToken);
                    await Task.Delay(settle, cancellationToken);
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine($"load at the end {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"| step | target (wall) | {builds[0].Label}: wall, median (min–max) | {builds[1].Label}: wall, median (min–max) | speed-up | {builds[0].Label}: CPU, median | {builds[1].Label}: CPU, median |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (step, target) in new[] { ("validate (sample)", "0.2 s"), ($"apply {zones:N0} zones", "2 s"), ("no-op re-apply", "0.5 s"), ("destroy", "—") })
        {
            var a = times[(step, 0)];
            var r = times[(step, 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {step} | {target} | {Median(a):F3} s ({a.Min():F3}–{a.Max():F3}) | {Median(r):F3} s ({r.Min():F3}–{r.Max():F3}) | {Median(a) / Median(r):F2}× | {Median(times[(step + " CPU", 0)]):F3} s | {Median(times[(step + " CPU", 1)]):F3} s |"));
        }

        return 0;
    }

    private static async Task MeasureAsync(Build build, int index, int run, int zones, int validates, string sample, string model, string directory, Dictionary<(string, int), List<double>> times, CancellationToken cancellationToken)
    {
        void Record(string step, CliRun measured)
        {
            if (measured.ExitCode != 0)
            {
                throw new InvalidOperationException($"{build.Label}, {step}: exit {measured.ExitCode}: {measured.Stderr.Trim()}\n{measured.Stdout.Trim()}");
            }

            if (!times.TryGetValue((step, index), out var list))
            {
                times[(step, index)] = list = [];
            }

            list.Add(measured.Wall.TotalSeconds);
            if (!times.TryGetValue((step + " CPU", index), out var cpu))
            {
                times[(step + " CPU", index)] = cpu = [];
            }

            cpu.Add(measured.Cpu.TotalSeconds);
        }

        var timeout = TimeSpan.FromMinutes(5);
        var validate = new List<double>();
        for (var v = 0; v < validates; v++)
        {
            var measured = await build.RunAsync(["validate", "-f", sample], timeout, cancellationToken);
            Record("validate (sample)", measured);
            validate.Add(measured.Wall.TotalSeconds);
        }

        var prefix = TestPrefix.ForBenchmark();
        var database = Path.Combine(directory, $"{prefix}.db");
        string[] common = ["--db", database, "--prefix", prefix];
        try
        {
            var apply = await build.RunAsync([.. common, "apply", "-f", model, "--auto-approve"], timeout, cancellationToken);
            Record($"apply {zones:N0} zones", apply);
            var again = await build.RunAsync([.. common, "apply", "-f", model, "--auto-approve"], timeout, cancellationToken);
            Record("no-op re-apply", again);
            var destroy = await build.RunAsync([.. common, "destroy", "--auto-approve"], timeout, cancellationToken);
            Record("destroy", destroy);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run + 1} {build.Label}: validate {string.Join(" ", validate.Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))} s; apply {apply.Wall.TotalSeconds:F2} s (CPU {apply.Cpu.TotalSeconds:F2} s, {apply.PeakKiB / 1024} MiB); re-apply {again.Wall.TotalSeconds:F2} s (CPU {again.Cpu.TotalSeconds:F2} s); destroy {destroy.Wall.TotalSeconds:F2} s; re-apply said: {again.Stdout.Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim()}"));
        }
        finally
        {
            await PrefixSweep.RunAsync(prefix);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The CLI of this checkout's Release build, run with <c>dotnet</c> (compiled as it runs).</summary>
    internal static string BuiltCli => Path.Combine(RepoRoot(), "src/NetVirt.Cli/bin/Release/net10.0/netvirt.dll");

    /// <summary>The CLI as users run it: the ReadyToRun publish that <c>scripts/setup.sh</c> makes and <c>bin/netvirt</c> starts.</summary>
    internal static string PublishedCli => Path.Combine(RepoRoot(), "src/NetVirt.Cli/bin/Release/publish/netvirt");

    internal static string RepoRoot()
    {
        // Above the benchmark's build, else above the working directory (a copy of the build elsewhere).
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NetVirt.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("NetVirt.sln not found above the benchmark nor above the working directory");
    }

    private sealed record Build(string Label, string Executable, string[] Prefix)
    {
        public Task<CliRun> RunAsync(string[] args, TimeSpan timeout, CancellationToken cancellationToken) =>
            CliRun.MeasureAsync(Executable, [.. Prefix, .. args], timeout, cancellationToken, new Dictionary<string, string> { ["NO_COLOR"] = "1" });
    }
}
