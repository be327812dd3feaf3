namespace NetVirt.Api.Reconcile;

/// <summary>
/// A kind of job the reconcile service runs one at a time: apply, destroy, a drift check; an isolation audit is queued
/// the same way. Requests with the same <see cref="CoalesceKey"/> that are still queued become one run.
/// </summary>
/// <param name="Kind">Job kind, shown in <c>/runs</c>: <c>apply</c>, <c>destroy</c>, <c>drift</c>, ...</param>
/// <param name="Trigger">What asked for it: <c>api</c>, <c>desired-state</c>, <c>resync</c>, <c>retry</c>.</param>
/// <param name="Work">The job itself, given the host context; it reports its result rather than throwing for expected failures.</param>
public sealed record ReconcileRequest(string Kind, string Trigger, Func<ReconcileContext, CancellationToken, Task<ReconcileResult>> Work)
{
    /// <summary>Queued requests with the same key are coalesced; null never coalesces. Defaults to the kind.</summary>
    public string? CoalesceKey { get; init; } = Kind;

    /// <summary>True for runs the service starts by itself: they wait for the debounce delay and the failure backoff.</summary>
    public bool Automatic { get; init; }

    /// <summary>True when a failure should be retried with backoff (automatic applies in <see cref="ReconcileMode.Auto"/>).</summary>
    public bool RetryOnFailure { get; init; }
}
