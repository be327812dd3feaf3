using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NetVirt.Api.Errors;

namespace NetVirt.Api.Security;

/// <summary>
/// Bearer-token check in front of every endpoint except <c>/healthz</c>, the OpenAPI document and the dashboard's static files (whose own requests carry the token): GET and HEAD
/// accept the read or the write token, everything else only the write token. 401 without a valid token, 403 with a
/// read token on a mutation. Tokens are compared in constant time and never logged.
/// </summary>
public sealed partial class TokenAuthentication(RequestDelegate next, ApiTokens tokens, ILogger<TokenAuthentication> logger)
{
    /// <summary>Checks the request, then passes it on.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // On the unix socket the kernel vouched for the peer (root or the server's user; Cni.UnixSocketPeer): no token.
        if (!tokens.Required || IsOpen(context.Request.Path) || Cni.UnixSocketPeer.IsUnixSocket(context))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var presented = Bearer(context.Request.Headers.Authorization.ToString());
        var canWrite = ApiTokens.Matches(presented, tokens.Write);
        var canRead = canWrite || ApiTokens.Matches(presented, tokens.Read);
        var reading = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        if (!canRead)
        {
            Log.Refused(logger, context.Request.Method, context.Request.Path.Value ?? "", presented is null ? "no bearer token" : "unknown token");
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"netvirt\"";
            await ApiProblems.WriteAsync(context, ApiProblems.Create(StatusCodes.Status401Unauthorized, "Unauthorized",
                presented is null
                    ? "this server needs 'Authorization: Bearer TOKEN' (the token is in the server's token file or NETVIRT_API_TOKEN)"
                    : "the bearer token is not one of this server's tokens")).ConfigureAwait(false);
            return;
        }

        if (!reading && !canWrite)
        {
            Log.Refused(logger, context.Request.Method, context.Request.Path.Value ?? "", "read-only token on a change");
            await ApiProblems.WriteAsync(context, ApiProblems.Create(StatusCodes.Status403Forbidden, "Forbidden",
                "the read-only token may only read (GET); changes need the write token")).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static bool IsOpen(PathString path) =>
        path.Equals("/healthz", StringComparison.Ordinal) || path.StartsWithSegments("/openapi", StringComparison.Ordinal) || Dashboard.DashboardEndpoints.IsDashboard(path);

    private static string? Bearer(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = ApiEventIds.AuthRefused, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: {Reason}")]
        public static partial void Refused(ILogger logger, string method, string path, string reason);
    }
}
