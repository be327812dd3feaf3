using System.Text.Json.Serialization;
using NetVirt.Planning.Plans;
using NetVirt.Reconciliation;

namespace NetVirt.Api.Reconcile;

/// <summary>What one reconcile run found or did.</summary>
/// <param name="Succeeded">True when the run did what it was asked.</param>
/// <param name="Outcome">Short word for the result: <c>succeeded</c>, <c>no-changes</c>, <c>rolled-back</c>, <c>drift</c>, <c>blocked</c>, ...</param>
/// <param name="Generation">The desired-state generation the run worked from.</param>
/// <param name="Summary">The plan summary or drift count, for people.</param>
/// <param name="Error">Why it failed, if it did.</param>
public sealed record ReconcileResult(bool Succeeded, string Outcome, long? Generation, string? Summary, string? Error)
{
    /// <summary>Id of the apply journal run (<c>GET /history/{id}</c>) when the run executed a plan.</summary>
    public long? JournalRun { get; init; }

    /// <summary>For a drift check: how many objects differ.</summary>
    public int? Drift { get; init; }

    /// <summary>The plan the run computed (for the endpoints that wait for it; not part of <c>/runs</c>).</summary>
    [JsonIgnore]
    public PlanResult? Plan { get; init; }

    /// <summary>The plan as JSON with each step's commands (<c>PlanJson</c>), written while the backend was at hand.</summary>
    [JsonIgnore]
    public string? PlanJson { get; init; }

    /// <summary>For an audit: the report document (what <c>netvirt audit --output json</c> prints), for <c>GET /audits/{id}</c>.</summary>
    [JsonIgnore]
    public string? ReportJson { get; init; }

    /// <summary>For an audit: the report files it wrote on the server (JSON, JUnit, HTML, evidence pcapng files).</summary>
    public IReadOnlyList<string>? ReportFiles { get; init; }

    /// <summary>The differences a drift check found (for <c>GET /drift</c>; not part of <c>/runs</c>).</summary>
    [JsonIgnore]
    public IReadOnlyList<DriftItem>? DriftItems { get; init; }
}
