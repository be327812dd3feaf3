using NetVirt.Testing;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Documents;
using NetVirt.Model.Validation;
using NetVirt.Planning;
using NetVirt.Planning.Plans;
using NetVirt.Reconciliation;
using NetVirt.Store;

namespace NetVirt.Bench.LinuxApply;

/// <summary>
/// The Linux issue's figures: N zones, each with one VNIC on one of 10 tenant VLANs over one etherstub (gateways,
/// so 10 router namespaces and default routes), IPv4 + IPv6, default protection. For each N: apply from scratch,
/// re-apply with nothing to do (observe + plan), destroy until no object with the prefix is left; side by side with
/// the baseline of a generated shell script that runs the same steps with one ip/nft/tc process per command
/// (<see cref="IHostBackend.Describe"/> of the same plan), each under its own <c>nvt</c> prefix, removed afterwards.
/// </summary>
public sealed class LinuxApplyBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "linux-apply";

    /// <inheritdoc />
    public string Description => "apply / re-apply / destroy N zones on this host vs a one-process-per-step shell script (args: --zones 100,250,500,1000 --baseline true --threads CORES)";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "baseline", "threads", "zones");
        var sizes = options.Get("zones", "100,250,500,1000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var baseline = options.Get("baseline", "true") == "true";
        var threads = int.Parse(options.Get("threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var rows = new List<string>();
        // More than about 500 zones need bigger neighbour tables than the kernel's default (the plan refuses otherwise).
        using var limits = HostLimits.AtLeast(sizes.Max());
        Console.Write(limits.Raised);
        foreach (var zones in sizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rows.Add(await MeasureAsync(zones, baseline, threads, cancellationToken));
        }

        Console.WriteLine();
        Console.WriteLine($"Linux backend, {Environment.ProcessorCount} cores, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}; N zones x 1 VNIC (IPv4 + IPv6, protection) on 10 VLANs of one etherstub, 10 tenant routers.");
        Console.WriteLine();
        Console.WriteLine("| zones | host objects | apply from scratch | re-apply (observe + plan) | destroy | baseline script: apply | baseline: destroy | apply speed-up |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    private static async Task<string> MeasureAsync(int zones, bool baseline, int threads, CancellationToken cancellationToken)
    {
        var yaml = Model(zones);
        var (apply, reapply, destroy, objects) = await NetVirtAsync(yaml, threads, cancellationToken);
        Console.WriteLine($"[{zones}] netvirt: apply {apply.TotalSeconds:F2} s, re-apply {reapply.TotalSeconds:F2} s, destroy {destroy.TotalSeconds:F2} s ({objects} objects)");
        var baseApply = TimeSpan.Zero;
        var baseDestroy = TimeSpan.Zero;
        if (baseline)
        {
            (baseApply, baseDestroy) = await BaselineAsync(yaml, cancellationToken);
            Console.WriteLine($"[{zones}] baseline script: apply {baseApply.TotalSeconds:F2} s, destroy {baseDestroy.TotalSeconds:F2} s");
        }

        var ours = string.Create(CultureInfo.InvariantCulture, $"| {zones:N0} | {objects:N0} | {apply.TotalSeconds:F2} s | {reapply.TotalSeconds:F2} s | {destroy.TotalSeconds:F2} s | ");
        return ours + (baseline
            ? string.Create(CultureInfo.InvariantCulture, $"{baseApply.TotalSeconds:F1} s | {baseDestroy.TotalSeconds:F1} s | {baseApply / apply:F0}× |")
            : "- | - | - |");
    }

    private static async Task<(TimeSpan Apply, TimeSpan Reapply, TimeSpan Destroy, int Objects)> NetVirtAsync(string yaml, int threads, CancellationToken cancellationToken)
    {
        var prefix = TestPrefix.ForBenchmark();
        using var lab = Lab.Create(yaml, prefix, threads);
        try
        {
            var clock = Stopwatch.StartNew();
            var (plan, report) = await lab.Reconciler.ApplyAsync(new ApplyOptions { Trigger = "bench" }, null, cancellationToken);
            var apply = clock.Elapsed;
            Check(plan.Plan, report);
            Console.WriteLine("  apply time by step kind: " + string.Join(", ", report!.Executions.GroupBy(e => e.Step.Resource.Kind.Name)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Sum(e => e.Duration.TotalSeconds):F2} s"))));

            clock.Restart();
            var again = await lab.Reconciler.PlanAsync(observeHost: true, cancellationToken);
            var reapply = clock.Elapsed;
            if (!again.Plan.IsEmpty)
            {
                throw new InvalidOperationException($"re-apply is not empty: {again.Plan.Steps.Count} steps, first {again.Plan.Steps[0]}");
            }

            clock.Restart();
            var (_, destroyed) = await lab.Reconciler.DestroyAsync(new ApplyOptions { Trigger = "bench" }, null, cancellationToken);
            if (destroyed is { Succeeded: false })
            {
                throw new InvalidOperationException($"destroy failed: {destroyed.Error}");
            }

            await WaitUntilGoneAsync(prefix);
            return (apply, reapply, clock.Elapsed, plan.Desired.Resources.Count(r => r.Owned));
        }
        finally
        {
            await SweepAsync(prefix);
        }
    }

    private static async Task<(TimeSpan Apply, TimeSpan Destroy)> BaselineAsync(string yaml, CancellationToken cancellationToken)
    {
        var prefix = TestPrefix.ForBenchmark();
        using var lab = Lab.Create(yaml, prefix, Environment.ProcessorCount);
        try
        {
            var plan = await lab.Reconciler.PlanAsync(observeHost: true, cancellationToken);
            var apply = await RunScriptAsync(Script(plan.Plan, lab.Backend), cancellationToken);
            var after = await lab.Reconciler.PlanAsync(observeHost: true, cancellationToken);
            if (!after.Plan.IsEmpty)
            {
                Console.WriteLine($"  note: the baseline left {after.Plan.Steps.Count} differences (first: {after.Plan.Steps[0]})");
            }

            var desired = after.Observed;
            var teardown = NetVirt.Planning.Planner.Plan(new NetVirt.Planning.Resources.HostState([]), desired);
            var clock = Stopwatch.StartNew();
            await RunScriptAsync(Script(teardown, lab.Backend), cancellationToken);
            await WaitUntilGoneAsync(prefix);
            return (apply, clock.Elapsed);
        }
        finally
        {
            await SweepAsync(prefix);
        }
    }

    /// <summary>One line per command, stdin as a here-document; continues after errors like a naive script.</summary>
    private static string Script(Plan plan, IHostBackend backend)
    {
        var text = new StringBuilder("#!/bin/bash\n");
        foreach (var step in plan.Steps)
        {
            foreach (var command in backend.Describe(step))
            {
                text.Append(command.ToString());
                if (command.StandardInput is { } input)
                {
                    text.Append(" <<'NVEOF'\n").Append(input).Append("NVEOF");
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }

    private static async Task<TimeSpan> RunScriptAsync(string script, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"netvirt-baseline-{Environment.ProcessId}.sh");
        await File.WriteAllTextAsync(path, script, cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            var result = await new ProcessCommandRunner().RunAsync(CommandSpec.Of("/bin/bash", path), cancellationToken);
            var elapsed = clock.Elapsed;
            if (!result.Succeeded)
            {
                Console.WriteLine($"  note: the baseline script ended with exit {result.ExitCode}: {result.Stderr.Split('\n').FirstOrDefault()}");
            }

            return elapsed;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Check(Plan plan, ApplyReport? report)
    {
        if (!plan.Problems.IsEmpty || report is null || !report.Succeeded)
        {
            throw new InvalidOperationException($"apply failed: {report?.Error ?? string.Join("; ", plan.Problems)}");
        }
    }

    private static async Task WaitUntilGoneAsync(string prefix)
    {
        while (NetnsMounts.List().Any(n => n.StartsWith(prefix + "-", StringComparison.Ordinal)) || (await LinksAsync(prefix)).Count > 0)
        {
            await Task.Delay(10);
        }
    }

    private static async Task<List<string>> LinksAsync(string prefix)
    {
        var result = await new ProcessCommandRunner().RunAsync(CommandSpec.Of("/usr/sbin/ip", "-o", "link", "show"), CancellationToken.None);
        return [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ")[1].Split('@')[0]).Where(n => n.StartsWith(prefix + "-", StringComparison.Ordinal))];
    }

    private static async Task SweepAsync(string prefix)
    {
        var runner = new ProcessCommandRunner();
        foreach (var netns in NetnsMounts.List().Where(n => n.StartsWith(prefix + "-", StringComparison.Ordinal)))
        {
            await runner.RunAsync(CommandSpec.Of("/usr/sbin/ip", "netns", "delete", netns), CancellationToken.None);
        }

        foreach (var link in await LinksAsync(prefix))
        {
            await runner.RunAsync(CommandSpec.Of("/usr/sbin/ip", "link", "delete", link), CancellationToken.None);
        }

        await runner.RunAsync(CommandSpec.Of("/usr/sbin/nft", "delete", "table", "bridge", prefix), CancellationToken.None);
    }

    /// <summary>The benchmark topology as a document.</summary>
    public static string Model(int zones, int networks = 10)
    {
        var text = new StringBuilder("version: 1\netherstubs:\n  - name: stub0\nnetworks:\n");
        for (var t = 0; t < networks; t++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - name: t{t}\n    tenant: t{t}\n    over: stub0\n    vlan: {101 + t}\n");
            text.Append(CultureInfo.InvariantCulture, $"    ipv4: {{ subnet: 10.{t}.0.0/16, gateway: 10.{t}.0.1 }}\n    ipv6: {{ subnet: fd00:{t}::/64, gateway: 'fd00:{t}::1' }}\n");
        }

        text.Append("zones:\n");
        for (var z = 0; z < zones; z++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - name: z{z}\n    vnics:\n      - name: net0\n        network: t{z % networks}\n        addresses:\n");
            text.Append("          - { tag: v4, address: auto, family: ipv4 }\n          - { tag: v6, address: auto, family: ipv6 }\n");
        }

        return text.ToString();
    }

    private sealed class Lab : IDisposable
    {
        private readonly string _directory;

        private Lab(string directory, Reconciler reconciler, IHostBackend backend)
        {
            _directory = directory;
            Reconciler = reconciler;
            Backend = backend;
        }

        public Reconciler Reconciler { get; }

        public IHostBackend Backend { get; }

        public static Lab Create(string yaml, string prefix, int threads)
        {
            var directory = Directory.CreateTempSubdirectory("netvirt-bench-").FullName;
            var store = NetVirtStore.Open(Path.Combine(directory, "netvirt.db"));
            var loaded = DocumentLoader.Load("bench.yaml", yaml);
            if (loaded.Errors.Count > 0)
            {
                throw new InvalidOperationException(string.Join("; ", loaded.Errors));
            }

            store.Replace(loaded.Model, HostTarget.Linux);
            // Every object records the database's deployment id, as netvirt apply does.
            var backend = new LinuxBackend(new ProcessCommandRunner(), new LinuxBackendOptions { Prefix = prefix, DeploymentId = store.DeploymentId, Threads = threads });
            return new Lab(directory, new Reconciler(store, backend), backend);
        }

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }
}
