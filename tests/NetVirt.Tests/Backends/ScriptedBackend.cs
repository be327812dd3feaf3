using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Model.Spec;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Tests.Backends;

/// <summary>
/// A backend fake for executor tests: records every batch it is given, fails or throws for chosen steps, reports
/// chosen steps as no-ops, and can run a callback after a batch (to cancel the run between batches).
/// </summary>
public sealed class ScriptedBackend : IHostBackend
{
    public List<IReadOnlyList<PlanStep>> Batches { get; } = [];

    /// <summary>Step descriptions (<c>create port p1</c>) that fail.</summary>
    public HashSet<string> Fail { get; } = new(StringComparer.Ordinal);

    /// <summary>Step descriptions that report the object already in place.</summary>
    public HashSet<string> NoOp { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, the whole batch containing this step throws.</summary>
    public string? Throw { get; set; }

    public Action<int>? AfterBatch { get; set; }

    public string Target => "test";

    public static string Key(PlanStep step) => $"{step.Action.ToString().ToLowerInvariant()} {step.Resource}";

    public RenderResult Render(NetworkModel model) => RenderResult.Of(HostState.Empty);

    public Task<HostState> ObserveAsync(CancellationToken cancellationToken) => Task.FromResult(HostState.Empty);

    public IReadOnlyList<CommandSpec> Describe(PlanStep step) => [CommandSpec.Of("/bin/true", Key(step))];

    public Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken)
    {
        Batches.Add(batch);
        if (Throw is { } key && batch.Any(s => Key(s) == key))
        {
            throw new InvalidOperationException("netlink socket closed");
        }

        IReadOnlyList<StepExecution> results = [.. batch.Select(s => Fail.Contains(Key(s))
            ? StepExecution.Failure(s, $"{Key(s)} failed: permission denied", TimeSpan.Zero)
            : StepExecution.Success(s, TimeSpan.Zero) with { NoOp = NoOp.Contains(Key(s)) })];
        AfterBatch?.Invoke(Batches.Count);
        return Task.FromResult(results);
    }
}
