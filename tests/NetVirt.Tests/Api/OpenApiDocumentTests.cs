using System.Text.Json;
using System.Text.Json.Nodes;
using NetVirt.Api.OpenApi;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Api;

/// <summary>
/// The OpenAPI document generates working clients: bearer security, bodies typed by the document schema, problem
/// documents with errors[], a summary on every operation. <c>docs/openapi.json</c> is what the server serves (clients
/// generate from it; <c>scripts/test.sh</c> lints it with Redocly's recommended rules); regenerate it with
/// <c>NETVIRT_UPDATE_GOLDEN=1</c> after changing an endpoint.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static async Task<(string Text, JsonObject Document)> ServedAsync()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var response = await api.NewClient(null).GetAsync(OpenApiRewriting.DocumentPath);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return (text, JsonNode.Parse(text)!.AsObject());
    }

    [Fact]
    public async Task Document_EqualsTheCommittedCopy()
    {
        var (text, _) = await ServedAsync();
        var path = Path.Combine(RepoPaths.Root, "docs", "openapi.json");
        var served = text.ReplaceLineEndings("\n") + "\n";
        if (Environment.GetEnvironmentVariable("NETVIRT_UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }

        Assert.True(File.Exists(path) && await File.ReadAllTextAsync(path) == served,
            "docs/openapi.json differs from the document the server serves; run the tests with NETVIRT_UPDATE_GOLDEN=1 and review the diff");
    }

    [Fact]
    public async Task Document_BearerSecurity_EverywhereButHealth()
    {
        var (_, document) = await ServedAsync();
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
        Assert.Equal("http", document["components"]!["securitySchemes"]!["bearer"]!["type"]!.GetValue<string>());
        Assert.NotNull(document["security"]![0]!["bearer"]);
        Assert.Empty(document["paths"]!["/healthz"]!["get"]!["security"]!.AsArray());
        Assert.Null(document["paths"]!["/vnics"]!["post"]!["security"]);
    }

    [Fact]
    public async Task Document_EveryOperation_HasSummaryAndA4xxResponse()
    {
        var (_, document) = await ServedAsync();
        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!.AsObject()))).ToList();
        Assert.True(operations.Count >= 45, $"{operations.Count} operations");
        Assert.All(operations, o =>
        {
            Assert.False(string.IsNullOrWhiteSpace(o.Operation["summary"]?.GetValue<string>()), $"{o.Method} {o.Path} has no summary (OpenApiCatalog.Summaries)");
            Assert.Contains(o.Operation["responses"]!.AsObject(), r => r.Key.StartsWith('4'));
        });
        Assert.All(document["tags"]!.AsArray(), t => Assert.False(string.IsNullOrEmpty(t!["description"]?.GetValue<string>())));
    }

    [Fact]
    public async Task Document_RequestBodies_AreTypedByTheDocumentSchema()
    {
        var (_, document) = await ServedAsync();
        var schemas = document["components"]!["schemas"]!;
        string BodyRef(string path, string method, string media = "application/json") =>
            document["paths"]![path]![method]!["requestBody"]!["content"]![media]!["schema"]!["$ref"]!.GetValue<string>();

        Assert.Equal("#/components/schemas/Network", BodyRef("/networks", "post"));
        Assert.Equal("#/components/schemas/Network", BodyRef("/networks/{name}", "put", "application/yaml"));
        Assert.Equal("#/components/schemas/Zone", BodyRef("/zones", "post"));
        Assert.Equal("#/components/schemas/NetVirtDocument", BodyRef("/state", "put"));
        Assert.Equal("#/components/schemas/VnicRequest", BodyRef("/vnics", "post"));
        Assert.Equal("#/components/schemas/ReservationRequest", BodyRef("/reservations", "post"));
        // The document schema's own references point into components, and the network's VLAN keeps its bounds.
        Assert.Equal("#/components/schemas/Vlan", schemas["Network"]!["properties"]!["vlan"]!["$ref"]!.GetValue<string>());
        Assert.Equal(4094, schemas["Vlan"]!["maximum"]!.GetValue<int>());
        Assert.DoesNotContain("#/$defs/", document.ToJsonString(), StringComparison.Ordinal);
        // A VNIC request needs only its zone: name and addresses have defaults.
        Assert.Equal(["zone"], schemas["VnicRequest"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Contains("zone", schemas["VnicRequest"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Document_ProblemDetails_HasErrors()
    {
        var (_, document) = await ServedAsync();
        var problem = document["components"]!["schemas"]!["ProblemDetails"]!;
        Assert.Equal("#/components/schemas/ProblemError", problem["properties"]!["errors"]!["items"]!["$ref"]!.GetValue<string>());
        var error = document["components"]!["schemas"]!["ProblemError"]!;
        Assert.Equal(["path", "code", "message"], error["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        // And a 422 refers to it.
        Assert.Equal("#/components/schemas/ProblemDetails",
            document["paths"]!["/networks"]!["post"]!["responses"]!["422"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public void PostProcessor_NameClash_Throws()
    {
        var generated = JsonNode.Parse("""{"paths": {}, "components": {"schemas": {"Network": {"type": "object"}}}}""")!.AsObject();
        var ex = Assert.Throws<InvalidOperationException>(() => OpenApiPostProcessor.Process(generated, OpenApiRewriting.DocumentSchema()));
        Assert.Contains("'Network'", ex.Message, StringComparison.Ordinal);
    }
}
