namespace NetVirt.Planning.Journal;

/// <summary>Whether a step ran as part of the plan or to undo it.</summary>
public enum StepPhase
{
    /// <summary>A step of the plan.</summary>
    Apply,

    /// <summary>A compensation run by rollback.</summary>
    Rollback,
}
