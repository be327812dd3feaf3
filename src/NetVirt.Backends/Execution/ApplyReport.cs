using NetVirt.Model.Collections;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;

namespace NetVirt.Backends.Execution;

/// <summary>What an apply run did: every step (apply and rollback) with its outcome, and how the run ended.</summary>
public sealed record ApplyReport
{
    /// <summary>Journal id of the run.</summary>
    public required long RunId { get; init; }

    /// <summary>The plan that was run.</summary>
    public required Plan Plan { get; init; }

    /// <summary>How the run ended.</summary>
    public required RunOutcome Outcome { get; init; }

    /// <summary>Every execution in order: plan steps, then rollback steps.</summary>
    public EquatableArray<StepExecution> Executions { get; init; } = [];

    /// <summary>The first failure, if any.</summary>
    public string? Error { get; init; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>True when the host now matches the plan's goal.</summary>
    public bool Succeeded => Outcome == RunOutcome.Succeeded;
}
