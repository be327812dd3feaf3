using System.Diagnostics;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux;
using NetVirt.Documents;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation;
using NetVirt.Store;
using NetVirt.Testing;

namespace NetVirt.Bench.LinuxScale;

/// <summary>
/// Apply, re-apply and destroy in this process through the <see cref="Reconciler"/> (no process start-up, no JIT after
/// the first size), with the time of every phase NetVirt reports (<see cref="Phases"/>).
/// </summary>
internal static class InProcessRun
{
    public sealed record Result(TimeSpan Store, TimeSpan StoreAgain, TimeSpan Apply, TimeSpan Noop, TimeSpan Destroy, IReadOnlyDictionary<string, TimeSpan> ApplyPhases, IReadOnlyDictionary<string, TimeSpan> NoopPhases, IReadOnlyDictionary<string, TimeSpan> DestroyPhases);

    public static async Task<Result> RunAsync(string model, int threads, CancellationToken cancellationToken)
    {
        var prefix = TestPrefix.ForBenchmark();
        var directory = Directory.CreateTempSubdirectory("netvirt-scale-").FullName;
        using var phases = new PhaseRecorder();
        try
        {
            var clock = Stopwatch.StartNew();
            var store = NetVirtStore.Open(Path.Combine(directory, "netvirt.db"));
            var loaded = DocumentLoader.Load("bench.yaml", model);
            if (loaded.Errors.Count > 0)
            {
                throw new InvalidOperationException(string.Join("; ", loaded.Errors));
            }

            store.Replace(loaded.Model, HostTarget.Linux);
            var storeTime = clock.Elapsed;
            var backend = new LinuxBackend(new ProcessCommandRunner(), new LinuxBackendOptions { Prefix = prefix, DeploymentId = store.DeploymentId, Threads = threads });
            var reconciler = new Reconciler(store, backend);
            phases.Take();

            clock.Restart();
            var (plan, report) = await reconciler.ApplyAsync(new ApplyOptions { Trigger = "bench" }, null, cancellationToken);
            var apply = clock.Elapsed;
            if (!plan.Plan.Problems.IsEmpty || report is not { Succeeded: true })
            {
                throw new InvalidOperationException($"apply failed: {report?.Error ?? string.Join("; ", plan.Plan.Problems)}");
            }

            var applyPhases = phases.Take();
            // What `apply -f` does before a no-op re-apply: the same document read, validated and found unchanged.
            clock.Restart();
            store.Replace(DocumentLoader.Load("bench.yaml", model).Model, HostTarget.Linux);
            var storeAgain = clock.Elapsed;
            clock.Restart();
            var (again, none) = await reconciler.ApplyAsync(new ApplyOptions { Trigger = "bench" }, null, cancellationToken);
            var noop = clock.Elapsed;
            if (!again.Plan.IsEmpty || none is not null)
            {
                throw new InvalidOperationException($"re-apply is not empty: {again.Plan.Steps.Count} steps, first {again.Plan.Steps.FirstOrDefault()}");
            }

            var noopPhases = phases.Take();
            clock.Restart();
            var (_, destroyed) = await reconciler.DestroyAsync(new ApplyOptions { Trigger = "bench" }, null, cancellationToken);
            var destroy = clock.Elapsed;
            if (destroyed is { Succeeded: false } || !await ScaleHost.IsCleanAsync(prefix))
            {
                var left = ScaleHost.Namespaces(prefix).Concat(ScaleHost.Links(prefix)).Take(10);
                throw new InvalidOperationException($"destroy failed or left objects: {destroyed?.Error} (left: {string.Join(", ", left)})");
            }

            return new Result(storeTime, storeAgain, apply, noop, destroy, applyPhases, noopPhases, phases.Take());
        }
        finally
        {
            await ScaleHost.SweepAsync(prefix);
            Directory.Delete(directory, recursive: true);
        }
    }
}
