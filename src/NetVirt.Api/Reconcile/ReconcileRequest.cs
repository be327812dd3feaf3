namespace NetVirt.Api.Reconcile;

/// <summary>
/// A kind of job the reconcile service runs one at a time: apply, destroy, a drift check; an isolation audit is queued
/// the same way. Requests with the same <see cref="CoalesceKey"/> that are still queued become one run. A request with a
/// <see cref="ConcurrencyKey"/> (one container attachment) may run beside others that have one.
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

    /// <summary>
    /// Null (the default): the run has the host to itself. Otherwise the run touches only what the key names (one
    /// container's interface), so it may run beside other keyed runs, never beside one with the same key and never
    /// beside a run without a key.
    /// </summary>
    public string? ConcurrencyKey { get; init; }
}
