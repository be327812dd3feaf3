using NetVirt.Planning.Plans;

namespace NetVirt.Cli.Services;

/// <summary>A plan as the commands show it, wherever it was computed.</summary>
/// <param name="Generation">Desired-state generation planned for.</param>
/// <param name="Target">Backend target.</param>
/// <param name="HostObserved">True when the host was observed.</param>
/// <param name="Plan">The plan.</param>
/// <param name="Commands">The command lines of a step.</param>
public sealed record PlanOutcome(long Generation, string Target, bool HostObserved, Plan Plan, Func<PlanStep, IReadOnlyList<string>> Commands);
