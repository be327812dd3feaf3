using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using NetVirt.Documents;
using NetVirt.Model.Spec;

namespace NetVirt.Api.Endpoints;

/// <summary><c>/pools</c>: ordered lists of networks that allocation walks until one has room (Triton NAPI network pools).</summary>
public static class PoolEndpoints
{
    private static readonly NamedObjects<PoolSpec> Pools = new(
        "pool", "pools", m => m.Pools, (m, items) => m with { Pools = [.. items] }, p => p.Name, (source, text) => DocumentLoader.LoadPool(source, text), DocumentWriter.ToJson);

    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapPoolEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/pools").WithTags("pools").WithProblems();
        group.MapGet("/", Pools.GetAll).WithName("ListPools");
        group.MapGet("/{name}", Pools.Get).WithName("GetPool");
        group.MapPost("/", Pools.Create).WithName("CreatePool").WithIfMatch().Accepts<JsonObject>("application/json", "application/yaml");
        group.MapDelete("/{name}", Pools.Delete).WithName("DeletePool").WithIfMatch();
        return group;
    }
}
