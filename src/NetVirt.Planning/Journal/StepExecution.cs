using NetVirt.Model.Collections;
using NetVirt.Planning.Plans;

namespace NetVirt.Planning.Journal;

/// <summary>One step as it ran: outcome, the commands behind it, error text and duration.</summary>
public sealed record StepExecution
{
    /// <summary>The step.</summary>
    public required PlanStep Step { get; init; }

    /// <summary>Apply or rollback.</summary>
    public StepPhase Phase { get; init; } = StepPhase.Apply;

    /// <summary>What happened.</summary>
    public required StepOutcome Outcome { get; init; }

    /// <summary>Commands run (or equivalent kernel requests), with exit codes and stderr.</summary>
    public EquatableArray<CommandRecord> Commands { get; init; } = [];

    /// <summary>Why it failed, if it did: names the operation and the object and keeps the tool's message.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// True when the step found the host already as it wants (the object was there, or already gone) and made at most
    /// corrections to it: rollback must not undo such a step, or it would delete what existed before the run.
    /// </summary>
    public bool NoOp { get; init; }

    /// <summary>Wall time of the step (for a batched step, its share of the batch).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>A succeeded execution.</summary>
    public static StepExecution Success(PlanStep step, TimeSpan duration, params CommandRecord[] commands) =>
        new() { Step = step, Outcome = StepOutcome.Succeeded, Commands = commands.ToEquatableArray(), Duration = duration };

    /// <summary>A failed execution.</summary>
    public static StepExecution Failure(PlanStep step, string error, TimeSpan duration, params CommandRecord[] commands) =>
        new() { Step = step, Outcome = StepOutcome.Failed, Error = error, Commands = commands.ToEquatableArray(), Duration = duration };
}
