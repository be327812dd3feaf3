using System.Text.Json.Nodes;
using NetVirt.Planning.Plans;
using NetVirt.Reconciliation;

namespace NetVirt.Api.Views;

/// <summary>A plan as <c>GET /plan</c> returns it: <see cref="Plan"/> is the plan JSON of <c>netvirt plan --output json</c>.</summary>
/// <param name="Generation">The desired-state generation planned for.</param>
/// <param name="Target">Backend target.</param>
/// <param name="HostObserved">True when the host was observed.</param>
/// <param name="Plan">The plan (<c>PlanJson</c> with each step's commands).</param>
public sealed record PlanView(long Generation, string Target, bool HostObserved, JsonObject Plan);

/// <summary>Drift as <c>netvirt drift --output json</c> and <c>GET /drift</c> show it.</summary>
/// <param name="Generation">The desired-state generation compared.</param>
/// <param name="Target">Backend target.</param>
/// <param name="Drift">Every difference.</param>
/// <param name="Problems">What keeps the plan from being applied.</param>
public sealed record DriftView(long Generation, string Target, IReadOnlyList<DriftItemView> Drift, IReadOnlyList<ProblemView> Problems)
{
    /// <summary>The view of a drift check.</summary>
    public static DriftView From(PlanResult plan, IReadOnlyList<DriftItem> drift)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(drift);
        return new DriftView(plan.Generation, plan.Target,
            [.. drift.Select(d => new DriftItemView(d.Kind.ToString().ToLowerInvariant(), d.Resource.Kind.Name, d.Resource.Name, d.Resource.Zone,
                [.. d.Changes.Select(c => new DriftChangeView(c.Property, c.From, c.To))]))],
            [.. plan.Plan.Problems.Select(p => new ProblemView(p.Subject, p.Message))]);
    }
}

/// <summary>One difference between host and desired state.</summary>
/// <param name="Kind">missing, extra or changed.</param>
/// <param name="Object">Host object kind.</param>
/// <param name="Name">Host object name.</param>
/// <param name="Zone">Zone it belongs to.</param>
/// <param name="Changes">For changed objects: each property.</param>
public sealed record DriftItemView(string Kind, string Object, string Name, string? Zone, IReadOnlyList<DriftChangeView> Changes);

/// <summary>One property that differs.</summary>
/// <param name="Property">Property.</param>
/// <param name="Observed">What the host has.</param>
/// <param name="Desired">What the desired state says.</param>
public sealed record DriftChangeView(string Property, string? Observed, string? Desired);

/// <summary>Something that stops a plan.</summary>
/// <param name="Subject">What.</param>
/// <param name="Message">Why.</param>
public sealed record ProblemView(string Subject, string Message);
