using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Hosting;
using NetVirt.Api.Reconcile;

namespace NetVirt.Api.Endpoints;

/// <summary><c>/healthz</c>: the store answers, and what the reconcile service is doing. Open without a token (it holds no secrets).</summary>
public static class HealthEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/healthz", Health).WithTags("health").WithName("Health");
        return routes;
    }

    private static Ok<HealthView> Health(ApiState state)
    {
        var generation = state.Store.Generation();
        var reconcile = state.Reconcile.Status();
        // The store answered; a reconcile service that keeps failing is worth a look but the API itself works.
        var status = reconcile.ConsecutiveFailures > 0 ? "degraded" : "ok";
        // Open without a token, so it tells states and counts only; errors and plans are under /runs (token needed).
        return TypedResults.Ok(new HealthView(status, generation, state.Target.ToString().ToLowerInvariant(), state.Store.DeploymentId, new HealthReconcileView(
            reconcile.Mode, reconcile.State, reconcile.Running?.Id, reconcile.Queued, reconcile.ConsecutiveFailures, reconcile.NextRetryAt,
            reconcile.LastRun is { } last ? new HealthRunView(last.Id, last.Kind, last.State, last.Result?.Outcome, last.FinishedAt) : null,
            reconcile.LastAppliedGeneration, reconcile.ResyncEvery, reconcile.NextResyncAt)));
    }
}

/// <summary>What <c>/healthz</c> reports.</summary>
/// <param name="Status"><c>ok</c>, or <c>degraded</c> while automatic runs keep failing.</param>
/// <param name="Generation">The desired-state generation stored.</param>
/// <param name="Target">Host target.</param>
/// <param name="DeploymentId">The database's deployment id, which the host objects this server creates carry.</param>
/// <param name="Reconcile">The reconcile service's state.</param>
public sealed record HealthView(string Status, long Generation, string Target, string DeploymentId, HealthReconcileView Reconcile);

/// <summary>The reconcile service as <c>/healthz</c> shows it: states and counts, no error texts.</summary>
/// <param name="Mode">auto or off.</param>
/// <param name="State">idle, running or backing-off.</param>
/// <param name="Running">Id of the run in progress.</param>
/// <param name="Queued">Runs waiting.</param>
/// <param name="ConsecutiveFailures">Failed automatic runs in a row.</param>
/// <param name="NextRetryAt">When the next automatic retry may start.</param>
/// <param name="LastRun">The last finished run.</param>
/// <param name="LastAppliedGeneration">The last generation an apply brought the host to.</param>
/// <param name="ResyncEvery">Drift-check interval.</param>
/// <param name="NextResyncAt">Next drift check.</param>
public sealed record HealthReconcileView(
    ReconcileMode Mode, string State, long? Running, int Queued, int ConsecutiveFailures, DateTimeOffset? NextRetryAt, HealthRunView? LastRun,
    long? LastAppliedGeneration, TimeSpan? ResyncEvery, DateTimeOffset? NextResyncAt);

/// <summary>A run as <c>/healthz</c> shows it.</summary>
/// <param name="Id">Run id (<c>/runs/{id}</c> has the details).</param>
/// <param name="Kind">Job kind.</param>
/// <param name="State">How it ended.</param>
/// <param name="Outcome">Short outcome word.</param>
/// <param name="FinishedAt">When it finished.</param>
public sealed record HealthRunView(long Id, string Kind, ReconcileRunState State, string? Outcome, DateTimeOffset? FinishedAt);
