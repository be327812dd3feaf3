using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NetVirt.Api.Dashboard;

/// <summary>
/// The dashboard at <c>/ui/</c>: a few static files embedded in this assembly (no CDN, no build step; plain JS and
/// SVG), served without a token so the login page loads; every request the page makes carries the token the operator
/// typed, kept in the tab's <c>sessionStorage</c> (gone when the tab closes, never in a URL). A strict content
/// security policy keeps the page to its own scripts and this server.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>Where the dashboard lives.</summary>
    public const string Root = "/ui";

    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly IReadOnlyDictionary<string, Asset> Assets = Load();

    /// <summary>Maps <c>/ui</c> (a redirect) and <c>/ui/{file}</c>.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet(Root + "/{file?}", Serve).ExcludeFromDescription();
        return routes;
    }

    /// <summary>True for requests the dashboard serves without a token.</summary>
    public static bool IsDashboard(PathString path) => path.StartsWithSegments(Root, StringComparison.Ordinal);

    private static IResult Serve(string? file, HttpContext context)
    {
        // Routing matches /ui and /ui/ alike; the page's relative links need the slash.
        if (file is null && !context.Request.Path.Value!.EndsWith('/'))
        {
            return TypedResults.Redirect(Root + "/");
        }

        if (!Assets.TryGetValue(string.IsNullOrEmpty(file) ? "index.html" : file, out var asset))
        {
            return TypedResults.NotFound();
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static Dictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        const string Prefix = "NetVirt.Api.Dashboard.wwwroot.";
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var file = name[Prefix.Length..];
            assets[file] = new Asset(content, ContentType(file), $"\"{Convert.ToHexString(SHA256.HashData(content))[..16]}\"");
        }

        return assets;
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}
