using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using NetVirt.Model.Errors;
using NetVirt.Model.Validation;
using NetVirt.Store;

namespace NetVirt.Api.Errors;

/// <summary>
/// Every error the API sends is an RFC 9457 problem document (<c>application/problem+json</c>): 422 with
/// <c>errors[]</c> of {path, code, message} for invalid input (all errors at once), 404 for unknown objects, 409 for
/// conflicts (name or address taken, an address held by a VNIC), 412 for a stale <c>If-Match</c>, 413 for bodies over
/// the limit, 503 with Retry-After when the store stays busy. Unexpected errors are 500 with a trace id only: a stack trace never reaches the client.
/// </summary>
public static class ApiProblems
{
    /// <summary>Seconds a client should wait before retrying a busy store.</summary>
    public const int RetryAfterSeconds = 2;

    /// <summary>A problem document.</summary>
    public static ProblemDetails Create(int status, string title, string detail, IReadOnlyList<ValidationError>? errors = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors is not null)
        {
            problem.Extensions["errors"] = errors.Select(e => new ErrorItem(e.Path, e.Code, e.Message)).ToList();
        }

        return problem;
    }

    /// <summary>The problem document for an exception, or null when it is not one the API expects (a bug).</summary>
    public static ProblemDetails? FromException(Exception exception) => exception switch
    {
        RequestInvalidException ex => Create(StatusCodes.Status422UnprocessableEntity, "Invalid input", Describe(ex.Errors), ex.Errors),
        ModelValidationException ex => Create(StatusCodes.Status422UnprocessableEntity, "Invalid desired state", Describe(ex.Errors), ex.Errors),
        AddressHeldException ex => Create(StatusCodes.Status409Conflict, "Address held", ex.Message, [.. ex.Holders.Select(h => new ValidationError("$", AddressHeldException.Code, h))]),
        RequestRefusedException ex => Create(StatusCodes.Status409Conflict, "Conflict", ex.Message, [new ValidationError("$", RequestRefusedException.RefusedCode, ex.Message)]),
        StaleGenerationException ex => Create(StatusCodes.Status412PreconditionFailed, "Precondition failed", $"If-Match: {ex.Message}"),
        InvalidInputException ex => Create(StatusCodes.Status422UnprocessableEntity, "Invalid input", ex.Message, [new ValidationError("", "input.invalid", ex.Message)]),
        RequestConflictException ex => Create(StatusCodes.Status409Conflict, "Conflict", ex.Message, ex.Errors),
        UnknownObjectException ex => Create(StatusCodes.Status404NotFound, "Not found", ex.Message),
        ConcurrencyConflictException ex => Create(StatusCodes.Status409Conflict, "Conflict", ex.Message),
        StoreBusyException ex => Create(StatusCodes.Status503ServiceUnavailable, "Store busy", ex.Message),
        StoreUnavailableException ex => Create(StatusCodes.Status503ServiceUnavailable, "Store unavailable", ex.Message),
        BackendUnavailableException ex => Create(StatusCodes.Status503ServiceUnavailable, "Backend unavailable", ex.Message),
        ReconcileFailedException ex => Create(StatusCodes.Status502BadGateway, "Reconcile run failed", ex.Message),
        CommandFailedException ex => Create(StatusCodes.Status502BadGateway, "Host command failed", ex.Message),
        Microsoft.AspNetCore.Http.BadHttpRequestException ex => Create(ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Body too large" : "Bad request", ex.Message),
        // The remaining NetVirt errors are refusals given the current state: the request was understood and conflicts
        // with what is stored.
        NetVirtException ex => Create(StatusCodes.Status409Conflict, "Conflict", ex.Message),
        _ => null,
    };

    /// <summary>Writes <paramref name="problem"/> as the response.</summary>
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problem);
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // The framework's writer fills in the type link and trace id the same way as for its own errors (404, 405, 415).
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            context.Response.ContentType = "application/problem+json";
            await JsonSerializer.SerializeAsync(context.Response.Body, problem, ApiJson.Options, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static string Describe(IReadOnlyList<ValidationError> errors) =>
        $"{errors.Count} error{(errors.Count == 1 ? "" : "s")}: {string.Join("; ", errors.Take(3).Select(e => e.ToString()))}{(errors.Count > 3 ? "; ..." : "")}; nothing was changed";

    /// <summary>One entry of <c>errors[]</c>.</summary>
    /// <param name="Path">Where: a document path (<c>zones[2].vnics[0]</c>) or a body path (<c>$.ipv4.subnet</c>).</param>
    /// <param name="Code">Stable code for scripts.</param>
    /// <param name="Message">For people.</param>
    public sealed record ErrorItem(string Path, string Code, string Message);
}
