using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using NetVirt.Api.Hosting;
using NetVirt.Api.Views;
using NetVirt.Documents;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// The one way to read, create and delete a named object of the stored model's top-level lists (etherstubs,
/// networks, pools): the body read by the document loader, the whole model written in one transaction with its
/// generation, validation errors pointing into the body, 409 for a taken name or a removal others depend on.
/// </summary>
/// <param name="Kind">The object kind in messages (<c>network</c>).</param>
/// <param name="Path">The URL path and document key (<c>networks</c>).</param>
/// <param name="List">The objects of a model.</param>
/// <param name="With">A model with the list replaced.</param>
/// <param name="Name">An object's name.</param>
/// <param name="Load">Reads one object from a body.</param>
/// <param name="ToJson">An object as a document object.</param>
internal sealed record NamedObjects<T>(
    string Kind, string Path, Func<NetworkModel, EquatableArray<T>> List, Func<NetworkModel, IEnumerable<T>, NetworkModel> With,
    Func<T, string> Name, Func<string, string, ItemLoadResult<T>> Load, Func<T, JsonObject> ToJson)
    where T : class
{
    /// <summary>Every object as a document object.</summary>
    public Ok<List<JsonObject>> GetAll(ApiState state) => TypedResults.Ok(List(state.Store.Infrastructure()).Select(ToJson).ToList());

    /// <summary>One object as a document object, with the generation as ETag.</summary>
    public Ok<JsonObject> Get(string name, HttpContext context, ApiState state)
    {
        var model = state.Store.Infrastructure();
        EndpointSupport.SetGeneration(context.Response, state.Store.Generation());
        return TypedResults.Ok(ToJson(Find(model, name)));
    }

    /// <summary>Adds the object in the body.</summary>
    public async Task<Created<WriteView>> Create(HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var item = EndpointSupport.Require(Load("request body", await EndpointSupport.BodyAsync(context, cancellationToken)),
            state.Store.Infrastructure(), state.Target, (model, added) => (With(model, [.. List(model), added]), $"{Path}[{List(model).Count}]"));
        var (outcome, run) = await EndpointSupport.UpdateAsync(state, model =>
        {
            if (List(model).Any(x => Name(x) == Name(item)))
            {
                throw EndpointSupport.Taken(Kind, Name(item));
            }

            return With(model, [.. List(model), item]);
        }, model => $"{Path}[{List(model).Count - 1}]", EndpointSupport.IfMatch(context.Request), cancellationToken);
        return TypedResults.Created($"/{Path}/{Uri.EscapeDataString(Name(item))}", new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }

    /// <summary>Replaces the named object with the one in the body (same name).</summary>
    public async Task<Ok<WriteView>> Replace(string name, HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var item = EndpointSupport.Require(Load("request body", await EndpointSupport.BodyAsync(context, cancellationToken)));
        EndpointSupport.RequireSameName(name, Name(item));
        var (outcome, run) = await EndpointSupport.UpdateAsync(state, model =>
        {
            Find(model, name);
            return With(model, List(model).Select(x => Name(x) == name ? item : x));
        }, model => $"{Path}[{List(model).ToList().FindIndex(x => Name(x) == name)}]", EndpointSupport.IfMatch(context.Request), cancellationToken);
        return TypedResults.Ok(new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }

    /// <summary>Removes the named object; 409 naming what still uses it.</summary>
    public async Task<Ok<WriteView>> Delete(string name, HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var (outcome, run) = await EndpointSupport.RemoveAsync(state, $"{Kind} '{name}'", model =>
        {
            Find(model, name);
            return With(model, List(model).Where(x => Name(x) != name));
        }, EndpointSupport.IfMatch(context.Request), cancellationToken);
        return TypedResults.Ok(new WriteView(outcome.Generation, outcome.Changed, run?.Id));
    }

    /// <summary>The named object, or 404 naming the defined ones.</summary>
    public T Find(NetworkModel model, string name) => List(model).FirstOrDefault(x => Name(x) == name) ?? throw EndpointSupport.Unknown(Kind, name, List(model).Select(Name));
}
