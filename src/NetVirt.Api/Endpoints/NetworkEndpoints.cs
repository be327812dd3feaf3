using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Errors;
using NetVirt.Api.Hosting;
using NetVirt.Api.Views;
using NetVirt.Documents;
using NetVirt.Model.Spec;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// <c>/networks</c>: tenant networks in the document's shape, and their address views: <c>/ips</c> (usage and every
/// address used), <c>/ips/free</c> (the free space as compact ranges) and <c>/ips/next</c> (what the next allocation
/// gets).
/// </summary>
public static class NetworkEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapNetworkEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/networks").WithTags("networks");
        group.MapGet("/", List).WithName("ListNetworks");
        group.MapGet("/{name}", Get).WithName("GetNetwork");
        group.MapPost("/", Create).WithName("CreateNetwork").Accepts<JsonObject>("application/json", "application/yaml");
        group.MapPut("/{name}", Replace).WithName("ReplaceNetwork").Accepts<JsonObject>("application/json", "application/yaml");
        group.MapDelete("/{name}", Delete).WithName("DeleteNetwork");
        group.MapGet("/{name}/ips", Ips).WithName("ListNetworkIps");
        group.MapGet("/{name}/ips/free", Free).WithName("FreeNetworkIps");
        group.MapGet("/{name}/ips/next", Next).WithName("NextNetworkIp");
        return group;
    }

    private static Ok<IReadOnlyList<NetworkView>> List(ApiState state) => TypedResults.Ok(StateViews.Networks(state.Store.Load().Resolved));

    private static Ok<JsonObject> Get(string name, HttpContext context, ApiState state)
    {
        var model = state.Store.Infrastructure();
        EndpointSupport.SetGeneration(context.Response, state.Store.Generation());
        return TypedResults.Ok(DocumentWriter.ToJson(Find(model, name)));
    }

    private static async Task<Created<WriteView>> Create(HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var network = EndpointSupport.Require(DocumentLoader.LoadNetwork("request body", await EndpointSupport.BodyAsync(context, cancellationToken)),
            state.Store.Infrastructure(), state.Target, (model, item) => (model with { Networks = [.. model.Networks, item] }, $"networks[{model.Networks.Count}]"));
        var (outcome, run) = await EndpointSupport.UpdateAsync(state, model =>
        {
            if (model.Networks.Any(n => n.Name == network.Name))
            {
                throw EndpointSupport.Taken("network", network.Name);
            }

            return model with { Networks = [.. model.Networks, network] };
        }, model => $"networks[{model.Networks.Count - 1}]", EndpointSupport.IfMatch(context.Request), cancellationToken);
        return TypedResults.Created($"/networks/{Uri.EscapeDataString(network.Name)}", new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }

    private static async Task<Ok<WriteView>> Replace(string name, HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var network = EndpointSupport.Require(DocumentLoader.LoadNetwork("request body", await EndpointSupport.BodyAsync(context, cancellationToken)),
            state.Store.Infrastructure(), state.Target, (model, item) => (model with { Networks = [.. model.Networks, item] }, $"networks[{model.Networks.Count}]"));
        EndpointSupport.RequireSameName(name, network.Name);
        var (outcome, run) = await EndpointSupport.UpdateAsync(state, model =>
        {
            Find(model, name);
            return model with { Networks = [.. model.Networks.Select(n => n.Name == name ? network : n)] };
        }, model => $"networks[{model.Networks.ToList().FindIndex(n => n.Name == name)}]", EndpointSupport.IfMatch(context.Request), cancellationToken);
        return TypedResults.Ok(new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }

    private static async Task<Ok<WriteView>> Delete(string name, HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var (outcome, run) = await EndpointSupport.RemoveAsync(state, $"network '{name}'", model =>
        {
            Find(model, name);
            return model with { Networks = [.. model.Networks.Where(n => n.Name != name)] };
        }, EndpointSupport.IfMatch(context.Request), cancellationToken);
        return TypedResults.Ok(new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }

    private static Ok<NetworkIpsView> Ips(string name, ApiState state)
    {
        var usage = state.Store.Usage(name);
        return TypedResults.Ok(new NetworkIpsView([.. usage.Select(StateViews.Usage)], [.. state.Store.Addresses(name).Select(StateViews.Address)]));
    }

    private static Ok<List<FreeRangeView>> Free(string name, string? family, ApiState state)
    {
        var network = Find(state.Store.Infrastructure(), name);
        return TypedResults.Ok(Families(network, family).SelectMany(f => state.Store.FreeRanges(name, f).Select(r => StateViews.FreeRange(f, r))).ToList());
    }

    private static Ok<List<NextAddressView>> Next(string name, string? family, ApiState state)
    {
        var network = Find(state.Store.Infrastructure(), name);
        var families = Families(network, family);
        return TypedResults.Ok(state.Store.Usage(name).Where(u => families.Contains(u.Family))
            .Select(u => new NextAddressView(u.Network, SpecNames.Format(u.Family), u.Next?.ToString())).ToList());
    }

    /// <summary>The families asked for (<c>ipv4</c>, <c>ipv6</c>, or both when null) that the network has.</summary>
    internal static IReadOnlyList<AddressFamily> Families(NetworkSpec network, string? family)
    {
        AddressFamily? wanted = family switch
        {
            null or "" => null,
            "ipv4" => AddressFamily.InterNetwork,
            "ipv6" => AddressFamily.InterNetworkV6,
            _ => throw new RequestInvalidException("family", "value.invalid-family", $"family '{family}' is not ipv4 or ipv6"),
        };
        if (wanted is { } f && network.Subnets.All(s => s.Family != f))
        {
            throw new RequestInvalidException("family", "family.absent", $"network '{network.Name}' has no {family} subnet");
        }

        return [.. network.Subnets.Select(s => s.Family).Where(x => wanted is null || x == wanted)];
    }

    internal static NetworkSpec Find(NetworkModel model, string name) =>
        model.Networks.FirstOrDefault(n => n.Name == name) ?? throw EndpointSupport.Unknown("network", name, model.Networks.Select(n => n.Name));
}
