namespace NetVirt.Planning.Journal;

/// <summary>
/// Where apply runs are recorded: the run with the generation it applies, then every step (apply and rollback)
/// with its commands, exit codes, stderr and duration, then how the run ended. The store implements it in SQLite.
/// </summary>
public interface IApplyJournal
{
    /// <summary>Records the start of a run and returns its id.</summary>
    Task<long> BeginRunAsync(RunStart start, CancellationToken cancellationToken);

    /// <summary>Records executed steps (one batch at a time, in one transaction).</summary>
    Task RecordStepsAsync(long runId, IReadOnlyList<StepExecution> steps, CancellationToken cancellationToken);

    /// <summary>Records how the run ended.</summary>
    Task EndRunAsync(long runId, RunOutcome outcome, string? error, CancellationToken cancellationToken);
}
