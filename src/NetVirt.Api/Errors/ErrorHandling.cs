using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NetVirt.Api.Errors;

/// <summary>
/// Turns exceptions into problem documents (<see cref="ApiProblems"/>). An unexpected exception is logged with the
/// request's trace id and answered with a 500 that carries only that id.
/// </summary>
public sealed partial class ErrorHandling(RequestDelegate next, ILogger<ErrorHandling> logger)
{
    /// <summary>Runs the rest of the pipeline and maps what it throws.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var problem = ApiProblems.FromException(ex);
            if (problem is null)
            {
                Log.Unhandled(logger, ex, context.Request.Method, context.Request.Path.Value ?? "", context.TraceIdentifier);
                problem = ApiProblems.Create(StatusCodes.Status500InternalServerError, "Internal error",
                    $"the server failed unexpectedly; its log has the details under trace id {context.TraceIdentifier}");
            }

            context.Response.Clear();
            await ApiProblems.WriteAsync(context, problem).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = ApiEventIds.UnhandledError, Level = LogLevel.Error, Message = "{Method} {Path} failed unexpectedly (trace id {TraceId})")]
        public static partial void Unhandled(ILogger logger, Exception exception, string method, string path, string traceId);
    }
}
