using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Hosting;
using NetVirt.Api.Views;
using NetVirt.Documents;
using NetVirt.Store;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// <c>/state</c>: the whole desired state as one document, what <c>netvirt export</c> writes and <c>netvirt apply -f</c>
/// stores. <c>PUT</c> replaces it (validated as <c>netvirt validate</c> does; <c>?dryRun=true</c> only validates),
/// keeping every allocation of objects that stay; an empty document does not replace a non-empty state without
/// <c>?allowEmpty=true</c>.
/// </summary>
public static class StateEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapStateEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/state").WithTags("state").WithProblems();
        group.MapGet("/", Get).WithName("GetState").Produces<JsonObject>(contentType: "application/json").Produces<string>(contentType: "application/yaml");
        group.MapPut("/", Replace).WithName("ReplaceState").WithIfMatch().Accepts<JsonObject>("application/json", "application/yaml");
        return group;
    }

    private static IResult Get(bool? resolved, string? format, HttpContext context, ApiState state)
    {
        var stored = state.Store.Load();
        var model = resolved == true ? ExportModel(stored) : stored.Authored;
        EndpointSupport.SetGeneration(context.Response, stored.Generation);
        var yaml = format == "yaml" || (format is null && context.Request.Headers.Accept.ToString().Contains("yaml", StringComparison.OrdinalIgnoreCase));
        return yaml ? TypedResults.Text(DocumentWriter.Write(model), "application/yaml") : TypedResults.Ok(DocumentWriter.WriteJson(model));
    }

    private static async Task<Ok<StateWriteView>> Replace(bool? dryRun, bool? allowEmpty, HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var loaded = DocumentLoader.Load("request body", await EndpointSupport.BodyAsync(context, cancellationToken));
        var errors = DocumentValidation.Validate(loaded, state.Target);
        if (errors.Count > 0)
        {
            throw new ModelValidationException(errors);
        }

        if (dryRun == true)
        {
            return TypedResults.Ok(new StateWriteView(true, null, false, null));
        }

        var (outcome, run) = await state.WriteAsync(store => store.Replace(loaded.Model, state.Target, EndpointSupport.IfMatch(context.Request), allowEmpty == true), cancellationToken);
        EndpointSupport.SetGeneration(context.Response, outcome.Generation);
        return TypedResults.Ok(new StateWriteView(true, outcome.Generation, outcome.Changed, run?.Id));
    }

    /// <summary>
    /// The resolved model as a document that reads back as written: a pool VNIC's resolved network is the one IPAM
    /// chose, so the pool is dropped (as <c>netvirt export --resolved</c> does).
    /// </summary>
    public static Model.Spec.NetworkModel ExportModel(Store.DesiredState.StoredState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Resolved with
        {
            // Containers' zones are runtime state, not part of any document: an exported document applied again must not declare them.
            Zones = [.. state.Resolved.Zones.Where(z => !z.IsContainer).Select(z => z with { Vnics = [.. z.Vnics.Select(v => v.Network is not null && v.Pool is not null ? v with { Pool = null } : v)] })],
        };
    }
}
