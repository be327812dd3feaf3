using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace NetVirt.Api.Observability;

/// <summary>
/// One access-log line per request (method, route, path without the query, status, milliseconds) and the request
/// metrics (<see cref="ApiMetrics"/>), measured around everything else, so refused and failed requests count too.
/// Headers are never logged and neither is the query string, so a token can reach the log by no path.
/// </summary>
public sealed partial class AccessLog(RequestDelegate next, ApiMetrics metrics, ILogger<AccessLog> logger)
{
    /// <summary>Times the request, then logs and counts it.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            // The route template, not the path: one series per endpoint, not one per object name.
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
            metrics.Request(context.Request.Method, route, status, elapsed);
            Log.Request(logger, context.Request.Method, context.Request.Path.Value ?? "", route, status, elapsed.TotalMilliseconds);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = ApiEventIds.Request, Level = LogLevel.Information, Message = "{Method} {Path} {StatusCode} {ElapsedMs:0.0} ms (route {Route})")]
        public static partial void Request(ILogger logger, string method, string path, string route, int statusCode, double elapsedMs);
    }
}
