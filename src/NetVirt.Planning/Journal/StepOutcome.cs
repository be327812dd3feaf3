namespace NetVirt.Planning.Journal;

/// <summary>What happened to one step of a run.</summary>
public enum StepOutcome
{
    /// <summary>Done.</summary>
    Succeeded,

    /// <summary>Tried and failed.</summary>
    Failed,

    /// <summary>Not tried because an earlier step failed.</summary>
    Skipped,

    /// <summary>Not tried because the run was cancelled.</summary>
    Cancelled,

    /// <summary>Done, then undone by the rollback of this run.</summary>
    RolledBack,
}
