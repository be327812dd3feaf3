using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Reconciliation;

/// <summary>A plan together with what it was computed from.</summary>
/// <param name="Generation">Desired-state generation the plan is for.</param>
/// <param name="Target">Backend target.</param>
/// <param name="Plan">The plan.</param>
/// <param name="Desired">The host objects the model needs.</param>
/// <param name="Observed">The host objects observed (empty when the host was not observed).</param>
/// <param name="HostObserved">True when the host was actually observed.</param>
public sealed record PlanResult(long Generation, string Target, Plan Plan, HostState Desired, HostState Observed, bool HostObserved = true);
