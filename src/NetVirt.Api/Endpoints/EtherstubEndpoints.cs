using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using NetVirt.Documents;
using NetVirt.Model.Spec;

namespace NetVirt.Api.Endpoints;

/// <summary><c>/etherstubs</c>: the virtual switches, in the document's shape.</summary>
public static class EtherstubEndpoints
{
    private static readonly NamedObjects<EtherstubSpec> Etherstubs = new(
        "etherstub", "etherstubs", m => m.Etherstubs, (m, items) => m with { Etherstubs = [.. items] }, e => e.Name, (source, text) => DocumentLoader.LoadEtherstub(source, text), DocumentWriter.ToJson);

    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapEtherstubEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/etherstubs").WithTags("etherstubs").WithProblems();
        group.MapGet("/", Etherstubs.GetAll).WithName("ListEtherstubs");
        group.MapGet("/{name}", Etherstubs.Get).WithName("GetEtherstub");
        group.MapPost("/", Etherstubs.Create).WithName("CreateEtherstub").WithIfMatch().Accepts<JsonObject>("application/json", "application/yaml");
        group.MapDelete("/{name}", Etherstubs.Delete).WithName("DeleteEtherstub").WithIfMatch();
        return group;
    }
}
