using NetVirt.Backends.Execution;
using NetVirt.Planning.Journal;
using NetVirt.Store.Journal;

namespace NetVirt.Cli.Services;

/// <summary>How an apply (or destroy) run went, as the commands report it.</summary>
/// <param name="RunId">Journal id of the run.</param>
/// <param name="Outcome">succeeded, rolled-back, failed, cancelled or partially-applied.</param>
/// <param name="Error">The first failure.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="Applied">Plan steps per outcome (succeeded, failed, skipped, ...).</param>
/// <param name="Compensations">Rollback steps run.</param>
/// <param name="CompensationsSucceeded">Rollback steps that succeeded.</param>
public sealed record RunSummary(long RunId, string Outcome, string? Error, double Seconds, IReadOnlyList<(string Outcome, int Count)> Applied, int Compensations, int CompensationsSucceeded)
{
    /// <summary>True when the host now matches the plan's goal.</summary>
    public bool Succeeded => Outcome == "succeeded";

    /// <summary>The summary of a report from this process's executor.</summary>
    public static RunSummary From(ApplyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rollback = report.Executions.Where(e => e.Phase == StepPhase.Rollback).ToList();
        return new RunSummary(report.RunId, JournalStore.OutcomeName(report.Outcome), report.Error, report.Duration.TotalSeconds,
            [.. report.Executions.Where(e => e.Phase == StepPhase.Apply).GroupBy(e => e.Outcome).OrderBy(g => g.Key).Select(g => (JournalStore.OutcomeName(g.Key), g.Count()))],
            rollback.Count, rollback.Count(r => r.Outcome == StepOutcome.Succeeded));
    }

    /// <summary>The summary of a journaled run (what a server reports).</summary>
    public static RunSummary From(RunRecord run, IReadOnlyList<StepRecord> steps)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(steps);
        var order = new[] { "succeeded", "failed", "skipped", "cancelled", "rolled-back" };
        var rollback = steps.Where(s => s.Phase == "rollback").ToList();
        var seconds = DateTimeOffset.TryParse(run.StartedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var start)
            && DateTimeOffset.TryParse(run.FinishedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var end)
            ? (end - start).TotalSeconds : 0;
        return new RunSummary(run.Id, run.Outcome, run.Error, seconds,
            [.. steps.Where(s => s.Phase == "apply").GroupBy(s => s.Outcome).OrderBy(g => Array.IndexOf(order, g.Key)).Select(g => (g.Key, g.Count()))],
            rollback.Count, rollback.Count(r => r.Outcome == "succeeded"));
    }
}
