using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using NetVirt.Api.Errors;
using NetVirt.Api.Hosting;
using NetVirt.Documents;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Store;

namespace NetVirt.Api.Endpoints;

/// <summary>What the resource endpoints share: reading bodies with the document loader, generations, error paths.</summary>
internal static class EndpointSupport
{
    /// <summary>Declares the problem documents every endpoint may answer with, so the OpenAPI document lists them.</summary>
    public static TBuilder WithProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>Declares the 412 of a write that honours <c>If-Match</c> (a stale generation).</summary>
    public static TBuilder WithIfMatch<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status412PreconditionFailed);

    /// <summary>
    /// An optional query value as given, or null when it is absent or empty: <c>?zone=&amp;network=</c> filters on
    /// nothing, as if the keys were not there (it was a 500 when an empty zone name reached the store).
    /// </summary>
    public static string? Given(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>The object read from the body, or 422 with every structural error.</summary>
    public static T Require<T>(ItemLoadResult<T> loaded)
        where T : class => loaded.IsValid ? loaded.Item! : throw new RequestInvalidException(loaded.Errors);

    /// <summary>
    /// The object read from the body, or 422 with every error at once: the structural ones and, for the part that
    /// could be read, what validation finds about it once <paramref name="place"/> has put it into
    /// <paramref name="model"/> (at the model path it returns), as <c>netvirt validate</c> reports a file.
    /// </summary>
    public static T Require<T>(ItemLoadResult<T> loaded, NetworkModel model, HostTarget target, Func<NetworkModel, T, (NetworkModel Model, string Path)> place)
        where T : class
    {
        if (loaded.IsValid)
        {
            return loaded.Item!;
        }

        if (loaded.Item is null || loaded.Errors.Any(DocumentValidation.IsUnreadable))
        {
            throw new RequestInvalidException(loaded.Errors);
        }

        var (placed, path) = place(model, loaded.Item);
        var semantic = Rebase(ModelValidator.Validate(placed, target).Errors, path)
            .Where(e => e.Path.StartsWith(DocumentLoader.ItemRoot, StringComparison.Ordinal) && !loaded.Errors.Any(s => DocumentValidation.Related(s.Path, e.Path)));
        throw new RequestInvalidException([.. loaded.Errors, .. semantic]);
    }

    /// <summary>Reads the body as text (size-limited).</summary>
    public static Task<string> BodyAsync(HttpContext context, CancellationToken cancellationToken) =>
        RequestBody.ReadTextAsync(context.Request, context.RequestServices.GetLimit(), cancellationToken);

    /// <summary>The generation an <c>If-Match</c> header pins (<c>"12"</c>, <c>W/"12"</c> or <c>12</c>), or null without one.</summary>
    public static long? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return null;
        }

        var text = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        return long.TryParse(text.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            ? generation
            : throw new RequestInvalidException("If-Match", "header.invalid", $"If-Match '{header}' is not a desired-state generation such as \"12\" (the ETag of a GET)");
    }

    /// <summary>Sets the ETag to the generation a response was read at.</summary>
    public static void SetGeneration(HttpResponse response, long generation) =>
        response.Headers.ETag = $"\"{generation.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// Applies <paramref name="change"/> to the stored model in one transaction. Validation errors about the object
    /// the body described (at <paramref name="bodyPath"/> in the model) are reported under <c>$</c>, so they point into
    /// the body; errors elsewhere keep their model path.
    /// </summary>
    public static async Task<(WriteOutcome Outcome, Reconcile.ReconcileRun? Run)> UpdateAsync(
        ApiState state, Func<NetworkModel, NetworkModel> change, Func<NetworkModel, string?> bodyPath, long? expectedGeneration, CancellationToken cancellationToken)
    {
        string? path = null;
        try
        {
            return await state.WriteAsync(store => store.Update(model =>
            {
                var changed = change(model);
                path = bodyPath(changed);
                return changed;
            }, state.Target, expectedGeneration), cancellationToken).ConfigureAwait(false);
        }
        catch (ModelValidationException ex) when (path is not null)
        {
            throw new ModelValidationException(Rebase(ex.Errors, path));
        }
    }

    /// <summary>Model paths under <paramref name="modelPath"/> rewritten to body paths under <c>$</c>.</summary>
    public static IReadOnlyList<ValidationError> Rebase(IEnumerable<ValidationError> errors, string modelPath) =>
        [.. errors.Select(e => e.Path == modelPath ? e with { Path = DocumentLoader.ItemRoot }
            : e.Path.StartsWith(modelPath + ".", StringComparison.Ordinal) || e.Path.StartsWith(modelPath + "[", StringComparison.Ordinal)
                ? e with { Path = DocumentLoader.ItemRoot + e.Path[modelPath.Length..] }
                : e)];

    /// <summary>A 409 for a removal that validation refuses because other objects still need what it removes.</summary>
    public static async Task<(WriteOutcome Outcome, Reconcile.ReconcileRun? Run)> RemoveAsync(
        ApiState state, string what, Func<NetworkModel, NetworkModel> change, long? expectedGeneration, CancellationToken cancellationToken)
    {
        try
        {
            return await state.WriteAsync(store => store.Update(change, state.Target, expectedGeneration), cancellationToken).ConfigureAwait(false);
        }
        catch (ModelValidationException ex)
        {
            throw new RequestConflictException($"{what} is still used: {string.Join("; ", ex.Errors.Take(3).Select(e => e.Message))}{(ex.Errors.Count > 3 ? "; ..." : "")}", ex.Errors);
        }
    }

    /// <summary>404 naming what is defined instead (worded as the store words it, so the CLI prints the same either way).</summary>
    public static UnknownObjectException Unknown(string kind, string name, IEnumerable<string> defined)
    {
        var names = defined.ToList();
        return new UnknownObjectException($"{kind} '{name}' is not defined ({(names.Count == 0 ? $"no {kind}s are defined" : $"defined {kind}s: {string.Join(", ", names)}")})");
    }

    /// <summary>409 for a name that is taken.</summary>
    public static ConcurrencyConflictException Taken(string kind, string name) => new($"a {kind} named '{name}' already exists");

    /// <summary>The path's name must match the body's.</summary>
    public static void RequireSameName(string pathName, string bodyName)
    {
        if (!string.Equals(pathName, bodyName, StringComparison.Ordinal))
        {
            throw new RequestInvalidException("$.name", "name.mismatch", $"the body names '{bodyName}' but the URL names '{pathName}'; renaming is a delete and a create");
        }
    }

    private static long GetLimit(this IServiceProvider services) =>
        (services.GetService(typeof(ApiOptions)) as ApiOptions)?.MaxBodyBytes ?? RequestBody.DefaultLimit;
}
