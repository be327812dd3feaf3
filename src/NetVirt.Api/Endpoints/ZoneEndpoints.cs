using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Hosting;
using NetVirt.Api.Views;
using NetVirt.Documents;
using NetVirt.Model.Topology;
using NetVirt.Store;
using NetVirt.Store.DesiredState;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// <c>/zones</c>: exclusive-IP zones (containers) with their VNICs. Creating a zone allocates every MAC and address
/// its VNICs ask for in one transaction, without rewriting the rest of the desired state.
/// </summary>
public static class ZoneEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapZoneEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/zones").WithTags("zones").WithProblems();
        group.MapGet("/", List).WithName("ListZones");
        group.MapGet("/{name}", Get).WithName("GetZone");
        group.MapPost("/", Create).WithName("CreateZone").Accepts<JsonObject>("application/json", "application/yaml");
        group.MapDelete("/{name}", Delete).WithName("DeleteZone");
        return group;
    }

    private static Ok<IReadOnlyList<ZoneView>> List(ApiState state) => TypedResults.Ok(StateViews.Zones(state.Store.Load().Resolved));

    private static Ok<ZoneDetailView> Get(string name, ApiState state) => TypedResults.Ok(Detail(state.Store.LoadZone(name)));

    private static async Task<Created<ZoneDetailView>> Create(HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var zone = EndpointSupport.Require(DocumentLoader.LoadZone("request body", await EndpointSupport.BodyAsync(context, cancellationToken)),
            state.Store.Infrastructure(), state.Target, (model, item) => (model with { Zones = [item] }, "zones[0]"));
        try
        {
            await state.WriteAsync(store => store.AddZone(zone, state.Target), cancellationToken);
        }
        catch (ModelValidationException ex)
        {
            throw new ModelValidationException(EndpointSupport.Rebase(ex.Errors, "zones[0]"));
        }

        return TypedResults.Created($"/zones/{Uri.EscapeDataString(zone.Name)}", Detail(state.Store.LoadZone(zone.Name)));
    }

    private static async Task<Ok<WriteView>> Delete(string name, ApiState state, CancellationToken cancellationToken)
    {
        var (outcome, run) = await state.WriteAsync(store => store.Remove(name), cancellationToken);
        return TypedResults.Ok(new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }

    private static ZoneDetailView Detail(StoredState state)
    {
        var index = new ModelIndex(state.Resolved);
        var zone = state.Resolved.Zones[0];
        // A container's zone has no authored form (documents never declare it): its resolved form stands in.
        return new ZoneDetailView(state.Generation, DocumentWriter.ToJson(state.Authored.Zones.FirstOrDefault() ?? zone), [.. zone.Vnics.Select(v => StateViews.Vnic(index, zone, v))],
            StateViews.Container(zone));
    }
}
