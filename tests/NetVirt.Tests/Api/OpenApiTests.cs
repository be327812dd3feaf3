using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace NetVirt.Tests.Api;

/// <summary>The OpenAPI document lists every endpoint the server maps, with its method.</summary>
public sealed partial class OpenApiTests
{
    [Fact]
    public async Task Document_ListsEveryMappedEndpoint()
    {
        await using var api = await ApiTestHost.StartAsync();
        var document = await api.GetJsonAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        var endpoints = api.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/openapi", StringComparison.Ordinal)
                && e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: Normalize(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .ToList();
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} endpoints mapped");
        var missing = endpoints.Where(e => !paths.TryGetProperty(e.Path, out var item) || !item.TryGetProperty(e.Method, out _)).ToList();
        Assert.True(missing.Count == 0, "not in the OpenAPI document: " + string.Join(", ", missing));
        foreach (var required in new[] { "/vnics", "/networks/{name}/ips/free", "/plan", "/apply", "/drift", "/runs/{id}", "/healthz" })
        {
            Assert.True(paths.TryGetProperty(required, out _), required);
        }
    }

    /// <summary>Route patterns as OpenAPI writes them: <c>/runs/{id:long}</c> → <c>/runs/{id}</c>, <c>{**path}</c> → <c>{path}</c>, no trailing slash.</summary>
    private static string Normalize(string pattern)
    {
        var path = Constraint().Replace(pattern.Replace("{**", "{", StringComparison.Ordinal), "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{([^}:]+):[^}]+\}")]
    private static partial Regex Constraint();
}
