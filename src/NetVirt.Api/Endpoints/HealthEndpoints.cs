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
        return TypedResults.Ok(new HealthView(status, generation, state.Target.ToString().ToLowerInvariant(), reconcile));
    }
}

/// <summary>What <c>/healthz</c> reports.</summary>
/// <param name="Status"><c>ok</c>, or <c>degraded</c> while automatic runs keep failing.</param>
/// <param name="Generation">The desired-state generation stored.</param>
/// <param name="Target">Host target.</param>
/// <param name="Reconcile">The reconcile service's state.</param>
public sealed record HealthView(string Status, long Generation, string Target, ReconcileStatus Reconcile);
