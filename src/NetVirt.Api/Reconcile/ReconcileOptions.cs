namespace NetVirt.Api.Reconcile;

/// <summary>How the reconcile service schedules its runs.</summary>
public sealed record ReconcileOptions
{
    /// <summary>Apply on every desired-state change, or only on request.</summary>
    public ReconcileMode Mode { get; init; } = ReconcileMode.Auto;

    /// <summary>How often to check the host for drift by itself; null = never.</summary>
    public TimeSpan? Resync { get; init; }

    /// <summary>
    /// How long an automatic apply waits after the change that asked for it, so that a burst of writes (an
    /// orchestrator creating fifty VNICs) becomes one run.
    /// </summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>First retry delay after a failed automatic run; doubles with each further failure.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest retry delay.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many finished runs <c>/runs</c> keeps (the apply journal keeps every apply for good).</summary>
    public int KeepRuns { get; init; } = 200;
}
