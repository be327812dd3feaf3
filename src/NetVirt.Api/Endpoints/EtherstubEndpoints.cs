using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Hosting;
using NetVirt.Api.Views;
using NetVirt.Documents;

namespace NetVirt.Api.Endpoints;

/// <summary><c>/etherstubs</c>: the virtual switches, in the document's shape.</summary>
public static class EtherstubEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapEtherstubEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/etherstubs").WithTags("etherstubs");
        group.MapGet("/", List).WithName("ListEtherstubs");
        group.MapGet("/{name}", Get).WithName("GetEtherstub");
        group.MapPost("/", Create).WithName("CreateEtherstub").Accepts<JsonObject>("application/json", "application/yaml");
        group.MapDelete("/{name}", Delete).WithName("DeleteEtherstub");
        return group;
    }

    private static Ok<List<JsonObject>> List(ApiState state) =>
        TypedResults.Ok(state.Store.Infrastructure().Etherstubs.Select(DocumentWriter.ToJson).ToList());

    private static Ok<JsonObject> Get(string name, ApiState state)
    {
        var model = state.Store.Infrastructure();
        var etherstub = model.Etherstubs.FirstOrDefault(e => e.Name == name) ?? throw EndpointSupport.Unknown("etherstub", name, model.Etherstubs.Select(e => e.Name));
        return TypedResults.Ok(DocumentWriter.ToJson(etherstub));
    }

    private static async Task<Created<WriteView>> Create(HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var etherstub = EndpointSupport.Require(DocumentLoader.LoadEtherstub("request body", await EndpointSupport.BodyAsync(context, cancellationToken)),
            state.Store.Infrastructure(), state.Target, (model, item) => (model with { Etherstubs = [.. model.Etherstubs, item] }, $"etherstubs[{model.Etherstubs.Count}]"));
        var (outcome, run) = await EndpointSupport.UpdateAsync(state, model =>
        {
            if (model.Etherstubs.Any(e => e.Name == etherstub.Name))
            {
                throw EndpointSupport.Taken("etherstub", etherstub.Name);
            }

            return model with { Etherstubs = [.. model.Etherstubs, etherstub] };
        }, model => $"etherstubs[{model.Etherstubs.Count - 1}]", EndpointSupport.IfMatch(context.Request), cancellationToken);
        return TypedResults.Created($"/etherstubs/{Uri.EscapeDataString(etherstub.Name)}", new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }

    private static async Task<Ok<WriteView>> Delete(string name, HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var (outcome, run) = await EndpointSupport.RemoveAsync(state, $"etherstub '{name}'", model =>
            model.Etherstubs.Any(e => e.Name == name)
                ? model with { Etherstubs = [.. model.Etherstubs.Where(e => e.Name != name)] }
                : throw EndpointSupport.Unknown("etherstub", name, model.Etherstubs.Select(e => e.Name)), EndpointSupport.IfMatch(context.Request), cancellationToken);
        return TypedResults.Ok(new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }
}
