namespace NetVirt.Store.Journal;

/// <summary>One apply run as the journal holds it.</summary>
public sealed record RunRecord(
    long Id, long Generation, string Target, string Trigger, string StartedAt, string? FinishedAt, string Outcome, string? Error, string PlanSummary)
{
    /// <summary>The plan that was run, as JSON.</summary>
    public string PlanJson { get; init; } = "{}";
}
