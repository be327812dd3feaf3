using NetVirt.Planning.Plans;

namespace NetVirt.Cli.Services;

/// <summary>A plan as the commands show it, wherever it was computed.</summary>
/// <param name="Generation">Desired-state generation planned for.</param>
/// <param name="Target">Backend target.</param>
/// <param name="HostObserved">True when the host was observed.</param>
/// <param name="Plan">The plan.</param>
/// <param name="Commands">The command lines of a step.</param>
public sealed record PlanOutcome(long Generation, string Target, bool HostObserved, Plan Plan, Func<PlanStep, IReadOnlyList<string>> Commands)
{
    /// <summary>A plan computed in this process, with its steps' commands from <paramref name="backend"/>.</summary>
    public static PlanOutcome From(Reconciliation.PlanResult plan, Backends.Execution.IHostBackend backend)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(backend);
        return new(plan.Generation, plan.Target, plan.HostObserved, plan.Plan, step => [.. backend.Describe(step).Select(c => c.ToString())]);
    }
}
