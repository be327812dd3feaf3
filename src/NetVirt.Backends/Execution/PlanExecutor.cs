using System.Diagnostics;
using NetVirt.Model.Collections;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;

namespace NetVirt.Backends.Execution;

/// <summary>
/// Runs a plan against a backend: in batches of independent steps (same action and rank, so a backend can hand the
/// kernel many at once), journaling every step. On the first failure, or on cancellation between batches, it stops
/// and undoes the steps of this run that can be undone, newest first (creates are deleted, in-place changes are
/// changed back; deletes are never "undone", nor are steps that found their object already in place). The next apply starts again from what it observes, so an interrupted
/// run converges on the next one.
/// </summary>
public sealed class PlanExecutor(IHostBackend backend, IApplyJournal journal)
{
    /// <summary>Applies <paramref name="plan"/> for desired-state <paramref name="generation"/>.</summary>
    public async Task<ApplyReport> ApplyAsync(Plan plan, long generation, ApplyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        if (!plan.Problems.IsEmpty)
        {
            throw new InvalidOperationException($"the plan has {plan.Problems.Count} blocking problem(s) and cannot be applied: {plan.Problems[0]}");
        }

        var stopwatch = Stopwatch.StartNew();
        long runId;
        using (Phases.Start("journal begin"))
        {
            runId = await journal.BeginRunAsync(new RunStart(generation, backend.Target, plan, options.Trigger), CancellationToken.None).ConfigureAwait(false);
        }

        var executions = new List<StepExecution>();
        var applied = new List<StepExecution>();
        string? firstError = null;
        var cancelled = false;
        var anyFailed = false;

        // The journal of one batch is written while the next batch runs: the kernel work of a batch keeps one core
        // busy, the SQLite writes take the other. Records stay in order (each write waits for the one before), and
        // everything is written before the run is ended or rolled back; a crash can lose at most the newest batch's
        // records, and the next apply starts from what it observes anyway.
        var journaled = Task.CompletedTask;
        foreach (var batch in Batches(plan.Steps))
        {
            if (cancellationToken.IsCancellationRequested || (anyFailed && !options.KeepGoing))
            {
                cancelled |= cancellationToken.IsCancellationRequested;
                var outcome = cancellationToken.IsCancellationRequested ? StepOutcome.Cancelled : StepOutcome.Skipped;
                var skipped = batch.Select(s => new StepExecution { Step = s, Outcome = outcome }).ToList();
                executions.AddRange(skipped);
                journaled = RecordAfterAsync(journaled, runId, skipped);
                continue;
            }

            var results = await ExecuteBatchAsync(batch, StepPhase.Apply, cancellationToken).ConfigureAwait(false);
            executions.AddRange(results);
            journaled = RecordAfterAsync(journaled, runId, results);
            foreach (var result in results)
            {
                if (result.Outcome == StepOutcome.Succeeded)
                {
                    applied.Add(result);
                }
                else if (result.Outcome == StepOutcome.Failed)
                {
                    anyFailed = true;
                    firstError ??= result.Error ?? $"step {result.Step.Index} failed";
                }
            }
        }

        using (Phases.Start("journal wait"))
        {
            await journaled.ConfigureAwait(false);
        }

        RunOutcome runOutcome;
        if ((anyFailed && !options.KeepGoing) || cancelled)
        {
            var rollback = await RollBackAsync(applied, runId).ConfigureAwait(false);
            executions.AddRange(rollback);
            var rollbackFailed = rollback.Any(r => r.Outcome == StepOutcome.Failed);
            var undone = applied.Where(a => !a.NoOp && a.Step.Compensation() is not null).Select(a => a.Step.Index).ToHashSet();
            for (var i = 0; i < executions.Count; i++)
            {
                if (executions[i].Phase == StepPhase.Apply && executions[i].Outcome == StepOutcome.Succeeded && undone.Contains(executions[i].Step.Index) && !rollbackFailed)
                {
                    executions[i] = executions[i] with { Outcome = StepOutcome.RolledBack };
                }
            }

            runOutcome = rollbackFailed ? RunOutcome.Failed : cancelled ? RunOutcome.Cancelled : RunOutcome.RolledBack;
            if (rollbackFailed)
            {
                firstError += $"; rollback also failed: {rollback.First(r => r.Outcome == StepOutcome.Failed).Error}";
            }
        }
        else
        {
            runOutcome = anyFailed ? RunOutcome.PartiallyApplied : RunOutcome.Succeeded;
        }

        using (Phases.Start("journal end"))
        {
            await journal.EndRunAsync(runId, runOutcome, cancelled && firstError is null ? "cancelled" : firstError, CancellationToken.None).ConfigureAwait(false);
        }

        return new ApplyReport
        {
            RunId = runId,
            Plan = plan,
            Outcome = runOutcome,
            Executions = executions.ToEquatableArray(),
            Error = firstError,
            Duration = stopwatch.Elapsed,
        };
    }

    /// <summary>
    /// Undoes a run that has already ended (e.g. one that an audit rejected): the compensations of its applied steps,
    /// newest first, as a new journaled run. Like a rollback it undoes creates and in-place changes only; what the run
    /// deleted stays deleted, so the caller reconciles afterwards to bring such objects back. Not cancellable.
    /// </summary>
    public async Task<ApplyReport> UndoAsync(ApplyReport run, long generation, string trigger)
    {
        ArgumentNullException.ThrowIfNull(run);
        var applied = run.Executions.Where(e => e.Phase == StepPhase.Apply && e.Outcome == StepOutcome.Succeeded).ToList();
        var compensations = Compensations(applied);
        var stopwatch = Stopwatch.StartNew();
        var plan = new Plan { Steps = compensations.ToEquatableArray() };
        var runId = await journal.BeginRunAsync(new RunStart(generation, backend.Target, plan, trigger), CancellationToken.None).ConfigureAwait(false);
        var results = await RollBackAsync(applied, runId).ConfigureAwait(false);
        var failed = results.FirstOrDefault(r => r.Outcome == StepOutcome.Failed);
        var outcome = failed is null ? RunOutcome.Succeeded : RunOutcome.Failed;
        await journal.EndRunAsync(runId, outcome, failed?.Error, CancellationToken.None).ConfigureAwait(false);
        return new ApplyReport
        {
            RunId = runId,
            Plan = plan,
            Outcome = outcome,
            Executions = results.ToEquatableArray(),
            Error = failed?.Error,
            Duration = stopwatch.Elapsed,
        };
    }

    private async Task RecordAfterAsync(Task previous, long runId, IReadOnlyList<StepExecution> steps)
    {
        await previous.ConfigureAwait(false);
        await Task.Run(async () =>
        {
            using var phase = Phases.Start("journal");
            await journal.RecordStepsAsync(runId, steps, CancellationToken.None).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private static List<PlanStep> Compensations(IEnumerable<StepExecution> applied) =>
        applied.Reverse()
            .Where(a => !a.NoOp)
            .Select(a => a.Step.Compensation())
            .OfType<PlanStep>()
            .ToList();

    /// <summary>
    /// Undoes applied steps newest first. Rollback is not cancellable: stopping half-way would leave the host in a
    /// state no one planned.
    /// </summary>
    private async Task<List<StepExecution>> RollBackAsync(List<StepExecution> applied, long runId)
    {
        var compensations = Compensations(applied);
        var results = new List<StepExecution>();
        foreach (var batch in Batches(compensations))
        {
            var batchResults = await ExecuteBatchAsync(batch, StepPhase.Rollback, CancellationToken.None).ConfigureAwait(false);
            results.AddRange(batchResults);
            await journal.RecordStepsAsync(runId, batchResults, CancellationToken.None).ConfigureAwait(false);
        }

        return results;
    }

    private async Task<IReadOnlyList<StepExecution>> ExecuteBatchAsync(IReadOnlyList<PlanStep> batch, StepPhase phase, CancellationToken cancellationToken)
    {
        IReadOnlyList<StepExecution> results;
        using var span = Phases.Start($"execute {batch[0].Action.ToString().ToLowerInvariant()} {string.Join('+', batch.Select(s => s.Resource.Kind.Name).Distinct())}");
        try
        {
            results = await backend.ExecuteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            results = [.. batch.Select(s => new StepExecution { Step = s, Outcome = StepOutcome.Cancelled, Error = "cancelled" })];
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The backend itself broke (tool missing, socket error): every step of the batch failed with that reason.
            results = [.. batch.Select(s => StepExecution.Failure(s, $"{s.Action.ToString().ToLowerInvariant()} {s.Resource}: {ex.Message}", TimeSpan.Zero))];
        }

        if (results.Count != batch.Count)
        {
            throw new InvalidOperationException($"backend '{backend.Target}' returned {results.Count} results for {batch.Count} steps");
        }

        return [.. results.Select(r => r with { Phase = phase })];
    }

    /// <summary>Consecutive steps with the same action and rank: independent of each other by construction of the plan.</summary>
    public static IEnumerable<IReadOnlyList<PlanStep>> Batches(IEnumerable<PlanStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var batch = new List<PlanStep>();
        foreach (var step in steps)
        {
            if (batch.Count > 0 && (batch[0].Action != step.Action || batch[0].Resource.Kind.Rank != step.Resource.Kind.Rank))
            {
                yield return batch;
                batch = [];
            }

            batch.Add(step);
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
