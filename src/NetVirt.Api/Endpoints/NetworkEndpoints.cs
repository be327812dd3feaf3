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
    private static readonly NamedObjects<NetworkSpec> Networks = new(
        "network", "networks", m => m.Networks, (m, items) => m with { Networks = [.. items] }, n => n.Name, (source, text) => DocumentLoader.LoadNetwork(source, text), DocumentWriter.ToJson);

    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapNetworkEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/networks").WithTags("networks").WithProblems();
        group.MapGet("/", List).WithName("ListNetworks");
        group.MapGet("/{name}", Networks.Get).WithName("GetNetwork");
        group.MapPost("/", Networks.Create).WithName("CreateNetwork").WithIfMatch().Accepts<JsonObject>("application/json", "application/yaml");
        group.MapPut("/{name}", Networks.Replace).WithName("ReplaceNetwork").WithIfMatch().Accepts<JsonObject>("application/json", "application/yaml");
        group.MapDelete("/{name}", Networks.Delete).WithName("DeleteNetwork").WithIfMatch();
        group.MapGet("/{name}/ips", Ips).WithName("ListNetworkIps");
        group.MapGet("/{name}/ips/free", Free).WithName("FreeNetworkIps");
        group.MapGet("/{name}/ips/next", Next).WithName("NextNetworkIp");
        return group;
    }

    private static Ok<IReadOnlyList<NetworkView>> List(ApiState state) => TypedResults.Ok(StateViews.Networks(state.Store.Load().Resolved));

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

    internal static NetworkSpec Find(NetworkModel model, string name) => Networks.Find(model, name);
}
