using NetVirt.Planning.Plans;

namespace NetVirt.Planning.Journal;

/// <summary>What a run is about to do: the desired-state generation, the target and the plan.</summary>
public sealed record RunStart(long Generation, string Target, Plan Plan, string Trigger);
