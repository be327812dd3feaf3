namespace NetVirt.Api.Reconcile;

/// <summary>One run of the reconcile service as <c>/runs</c> shows it (a snapshot; the service keeps the live one).</summary>
public sealed record ReconcileRun
{
    /// <summary>Run id, unique within this server process.</summary>
    public required long Id { get; init; }

    /// <summary>Job kind.</summary>
    public required string Kind { get; init; }

    /// <summary>What asked for it.</summary>
    public required string Trigger { get; init; }

    /// <summary>Queued, running, succeeded, failed or cancelled.</summary>
    public required ReconcileRunState State { get; init; }

    /// <summary>How many requests this run stands for (coalesced while it was queued).</summary>
    public int Requests { get; init; } = 1;

    /// <summary>When it was first asked for.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>Earliest start (debounce or backoff), while queued.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Its result, once finished.</summary>
    public ReconcileResult? Result { get; init; }
}
