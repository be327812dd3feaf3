using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Observability;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// <c>GET /metrics</c>: the Prometheus text format (<see cref="ApiMetrics"/>). It needs the read (or write) token like
/// every other read: scrape it with <c>authorization: {credentials_file: ...}</c> pointing at a file that holds the
/// read token.
/// </summary>
public static class MetricsEndpoints
{
    /// <summary>The Prometheus text exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/metrics", Export).WithTags("health").WithProblems().WithName("Metrics")
            .WithSummary("Prometheus metrics: requests, reconcile runs, drift, IPAM utilisation, audit findings")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        return routes;
    }

    private static async Task Export(HttpContext context, ApiMetrics metrics, CancellationToken cancellationToken)
    {
        context.Response.ContentType = ContentType;
        await metrics.ExportAsync(context.Response.Body, cancellationToken).ConfigureAwait(false);
    }
}
