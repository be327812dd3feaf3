namespace NetVirt.Planning.Journal;

/// <summary>How an apply run ended.</summary>
public enum RunOutcome
{
    /// <summary>Still running, or interrupted (the process died): the next apply starts from what it observes.</summary>
    Running,

    /// <summary>Every step succeeded.</summary>
    Succeeded,

    /// <summary>A step failed and the steps of this run were undone.</summary>
    RolledBack,

    /// <summary>A step failed and rollback could not undo everything, or rollback was not wanted.</summary>
    Failed,

    /// <summary>Cancelled between steps; what had been applied was undone.</summary>
    Cancelled,

    /// <summary>Some steps failed and the run went on (<c>--keep-going</c>).</summary>
    PartiallyApplied,
}
