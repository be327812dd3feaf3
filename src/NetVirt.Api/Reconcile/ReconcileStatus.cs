namespace NetVirt.Api.Reconcile;

/// <summary>The reconcile service's state, as <c>/healthz</c> shows it.</summary>
/// <param name="Mode">auto or off.</param>
/// <param name="State">idle, running or backing-off.</param>
/// <param name="Running">The run in progress (the oldest, when container attachments run side by side), if any.</param>
/// <param name="Queued">Runs waiting.</param>
/// <param name="ConsecutiveFailures">Failed automatic runs in a row (reset by a success).</param>
/// <param name="NextRetryAt">When the next automatic retry may start, while backing off.</param>
/// <param name="LastRun">The last finished run.</param>
/// <param name="LastAppliedGeneration">The last generation an apply brought the host to.</param>
/// <param name="ResyncEvery">The drift-check interval, if any.</param>
/// <param name="NextResyncAt">When the next drift check starts.</param>
public sealed record ReconcileStatus(
    ReconcileMode Mode, string State, ReconcileRun? Running, int Queued, int ConsecutiveFailures, DateTimeOffset? NextRetryAt,
    ReconcileRun? LastRun, long? LastAppliedGeneration, TimeSpan? ResyncEvery, DateTimeOffset? NextResyncAt);
