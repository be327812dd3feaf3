using NetVirt.Model.Collections;

namespace NetVirt.Planning.Plans;

/// <summary>
/// An ordered list of steps that takes the host from its observed state to the desired one, or the problems that
/// prevent it. Deterministic: the same inputs give the same plan, byte for byte.
/// </summary>
public sealed record Plan
{
    /// <summary>The steps in execution order.</summary>
    public EquatableArray<PlanStep> Steps { get; init; } = [];

    /// <summary>Problems that block applying the plan.</summary>
    public EquatableArray<PlanProblem> Problems { get; init; } = [];

    /// <summary>
    /// Objects with the ownership prefix that another deployment (another database) made, by deployment: never
    /// changed or deleted by this plan.
    /// </summary>
    public EquatableArray<OtherDeployment> OtherDeployments { get; init; } = [];

    /// <summary>An empty plan.</summary>
    public static Plan Empty { get; } = new();

    /// <summary>True when there is nothing to do and nothing in the way.</summary>
    public bool IsEmpty => Steps.IsEmpty && Problems.IsEmpty;

    /// <summary>Zones whose traffic the plan interrupts.</summary>
    public IReadOnlyList<string> DisruptedZones =>
        [.. Steps.Select(s => s.Disrupts).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Counts per change kind; a replace counts once although it is two steps.</summary>
    public PlanSummary Summary
    {
        get
        {
            var replaced = Steps.Where(s => s.Change == ChangeKind.Replace).Select(s => s.Id).Distinct().Count();
            return new PlanSummary(
                Steps.Count(s => s.Change == ChangeKind.Create),
                Steps.Count(s => s.Change == ChangeKind.Change),
                replaced,
                Steps.Count(s => s.Change == ChangeKind.Delete));
        }
    }
}
