namespace NetVirt.Store.Journal;

/// <summary>One journaled step of a run.</summary>
public sealed record StepRecord(
    long Seq, long StepIndex, string Phase, string Action, string Kind, string Name, string Reason, string Commands,
    long? ExitCode, string? Stderr, double DurationMs, string Outcome, string? Error);
