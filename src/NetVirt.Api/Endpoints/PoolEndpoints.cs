using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Hosting;
using NetVirt.Api.Views;
using NetVirt.Documents;

namespace NetVirt.Api.Endpoints;

/// <summary><c>/pools</c>: ordered lists of networks that allocation walks until one has room (Triton NAPI network pools).</summary>
public static class PoolEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapPoolEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/pools").WithTags("pools");
        group.MapGet("/", List).WithName("ListPools");
        group.MapGet("/{name}", Get).WithName("GetPool");
        group.MapPost("/", Create).WithName("CreatePool").Accepts<JsonObject>("application/json", "application/yaml");
        group.MapDelete("/{name}", Delete).WithName("DeletePool");
        return group;
    }

    private static Ok<List<JsonObject>> List(ApiState state) =>
        TypedResults.Ok(state.Store.Infrastructure().Pools.Select(DocumentWriter.ToJson).ToList());

    private static Ok<JsonObject> Get(string name, ApiState state)
    {
        var model = state.Store.Infrastructure();
        var pool = model.Pools.FirstOrDefault(p => p.Name == name) ?? throw EndpointSupport.Unknown("pool", name, model.Pools.Select(p => p.Name));
        return TypedResults.Ok(DocumentWriter.ToJson(pool));
    }

    private static async Task<Created<WriteView>> Create(HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var pool = EndpointSupport.Require(DocumentLoader.LoadPool("request body", await EndpointSupport.BodyAsync(context, cancellationToken)),
            state.Store.Infrastructure(), state.Target, (model, item) => (model with { Pools = [.. model.Pools, item] }, $"pools[{model.Pools.Count}]"));
        var (outcome, run) = await EndpointSupport.UpdateAsync(state, model =>
        {
            if (model.Pools.Any(p => p.Name == pool.Name))
            {
                throw EndpointSupport.Taken("pool", pool.Name);
            }

            return model with { Pools = [.. model.Pools, pool] };
        }, model => $"pools[{model.Pools.Count - 1}]", EndpointSupport.IfMatch(context.Request), cancellationToken);
        return TypedResults.Created($"/pools/{Uri.EscapeDataString(pool.Name)}", new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }

    private static async Task<Ok<WriteView>> Delete(string name, HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var (outcome, run) = await EndpointSupport.RemoveAsync(state, $"pool '{name}'", model =>
            model.Pools.Any(p => p.Name == name)
                ? model with { Pools = [.. model.Pools.Where(p => p.Name != name)] }
                : throw EndpointSupport.Unknown("pool", name, model.Pools.Select(p => p.Name)), EndpointSupport.IfMatch(context.Request), cancellationToken);
        return TypedResults.Ok(new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }
}
