using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Errors;
using NetVirt.Api.Hosting;
using NetVirt.Api.Views;
using NetVirt.Documents;
using NetVirt.Model.Addressing;
using NetVirt.Store;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// <c>/reservations</c>: addresses and ranges that automatic allocation never hands out (a load balancer VIP, a
/// router). They are part of their network's document (<c>reserved</c>); this group reads and edits them one by one.
/// </summary>
public static class ReservationEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapReservationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/reservations").WithTags("reservations").WithProblems();
        group.MapGet("/", List).WithName("ListReservations");
        group.MapPost("/", Create).WithName("CreateReservation").Accepts<JsonObject>("application/json", "application/yaml");
        group.MapDelete("/{network}/{range}", Delete).WithName("DeleteReservation");
        return group;
    }

    private static Ok<List<ReservationView>> List(string? network, ApiState state)
    {
        network = EndpointSupport.Given(network);
        var model = state.Store.Infrastructure();
        if (network is not null)
        {
            NetworkEndpoints.Find(model, network);
        }

        return TypedResults.Ok(model.Networks.Where(n => network is null || n.Name == network)
            .SelectMany(n => n.Reserved.Select(r => new ReservationView(n.Name, r.Range.ToString(), r.First.ToString(), r.Last.ToString(), r.Note)))
            .ToList());
    }

    private static async Task<Created<WriteView>> Create(HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var loaded = DocumentLoader.LoadReservation("request body", await EndpointSupport.BodyAsync(context, cancellationToken), "network");
        if (!loaded.Keys.Contains("network"))
        {
            throw new RequestInvalidException([new("$", "key.missing", "a reservation needs 'network': the network it belongs to"), .. loaded.Errors]);
        }

        var reservation = EndpointSupport.Require(loaded);
        var network = loaded.Extra.GetValueOrDefault("network") ?? "";
        var infrastructure = state.Store.Infrastructure();
        var index = infrastructure.Networks.ToList().FindIndex(n => n.Name == network);
        if (index < 0)
        {
            throw EndpointSupport.Unknown("network", network, infrastructure.Networks.Select(n => n.Name));
        }

        try
        {
            var (outcome, run) = await state.WriteAsync(store => store.Reserve(network, reservation.Range, reservation.Note, state.Target), cancellationToken);
            return TypedResults.Created($"/reservations/{Uri.EscapeDataString(network)}/{Uri.EscapeDataString(reservation.Range.ToString())}",
                new WriteView(outcome.Generation, outcome.Changed, run?.Id));
        }
        catch (ModelValidationException ex)
        {
            throw new ModelValidationException(EndpointSupport.Rebase(ex.Errors, $"networks[{index}].reserved[{infrastructure.Networks[index].Reserved.Count}]"));
        }
    }

    private static async Task<Ok<WriteView>> Delete(string network, string range, HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        if (!IpRange.TryParse(range, out var parsed))
        {
            throw new RequestInvalidException("range", "value.invalid-range", $"'{range}' is not an address or a range such as 10.0.0.5-10.0.0.9");
        }

        var (outcome, run) = await state.WriteAsync(store => store.Release(network, parsed!, state.Target), cancellationToken);
        return TypedResults.Ok(new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }
}
