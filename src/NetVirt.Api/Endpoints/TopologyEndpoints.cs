using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Hosting;
using NetVirt.Api.Views.Topology;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// <c>GET /topology</c>: the topology view model (what <c>netvirt show topology --output json</c> prints), or with
/// <c>?format=svg|dot|mermaid|text</c> its rendering, the same bytes <c>netvirt show topology --format</c> writes.
/// </summary>
public static class TopologyEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapTopologyEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/topology", Get).WithTags("topology").WithProblems().WithName("GetTopology")
            .WithSummary("The topology: switches, networks, routers and zones as a graph (JSON), or drawn as SVG, DOT, Mermaid or text")
            .Produces<TopologyView>(contentType: "application/json")
            .Produces<string>(contentType: "image/svg+xml");
        return routes;
    }

    private static IResult Get(string? format, HttpContext context, ApiState state, ApiOptions options)
    {
        var stored = state.Store.Load();
        EndpointSupport.SetGeneration(context.Response, stored.Generation);
        var view = TopologyFormats.View(stored, state.Target, options.Prefix);
        if (format is null or "" or "json")
        {
            return TypedResults.Ok(view);
        }

        var (text, mediaType) = TopologyFormats.Render(view, format);
        return TypedResults.Text(text, mediaType);
    }
}
