using NetVirt.Backends.Execution;
using NetVirt.Planning.Journal;

namespace NetVirt.Tests.Backends;

/// <summary>An <see cref="IApplyJournal"/> that keeps runs in memory, for executor and convergence tests.</summary>
public sealed class InMemoryApplyJournal : IApplyJournal
{
    public List<RunStart> Runs { get; } = [];

    public List<(long RunId, StepExecution Step)> Steps { get; } = [];

    public Dictionary<long, (RunOutcome Outcome, string? Error)> Ends { get; } = [];

    /// <summary>How many batches were recorded (one transaction each).</summary>
    public int Batches { get; private set; }

    public Task<long> BeginRunAsync(RunStart start, CancellationToken cancellationToken)
    {
        Runs.Add(start);
        return Task.FromResult((long)Runs.Count);
    }

    public Task RecordStepsAsync(long runId, IReadOnlyList<StepExecution> steps, CancellationToken cancellationToken)
    {
        Batches++;
        Steps.AddRange(steps.Select(s => (runId, s)));
        return Task.CompletedTask;
    }

    public Task EndRunAsync(long runId, RunOutcome outcome, string? error, CancellationToken cancellationToken)
    {
        Ends[runId] = (outcome, error);
        return Task.CompletedTask;
    }
}
