using System.Text.Json.Nodes;

namespace NetVirt.Api.OpenApi;

/// <summary>
/// Completes the OpenAPI document ASP.NET generates from the endpoints so that it generates working clients and
/// passes Redocly's recommended rules: a bearer <c>securitySchemes</c> required everywhere but <c>/healthz</c>; the
/// definitions of the document schema (<c>schemas/model/netvirt.schema.json</c>, embedded) under
/// <c>components/schemas</c> with request and response bodies typed by them (<see cref="OpenApiCatalog"/>);
/// <c>ProblemDetails</c> with its <c>errors[]</c>; a summary on every operation and a description on every tag. A pure
/// function of the generated document and the schema.
/// </summary>
public static class OpenApiPostProcessor
{
    /// <summary>Name of the security scheme.</summary>
    public const string Scheme = "bearer";

    private const string Components = "#/components/schemas/";

    /// <summary>Operations that need no token.</summary>
    private static readonly HashSet<string> Open = new(StringComparer.Ordinal) { "Health" };

    /// <summary>Completes <paramref name="document"/> (changed in place and returned).</summary>
    /// <param name="document">The generated document.</param>
    /// <param name="documentSchema">The JSON Schema of NetVirt documents.</param>
    public static JsonObject Process(JsonObject document, JsonObject documentSchema)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(documentSchema);
        document["info"] = new JsonObject
        {
            ["title"] = "NetVirt API",
            ["version"] = "1",
            ["description"] = "The HTTP API of `netvirt serve`: NetVirt's desired state (etherstubs, networks, pools, zones, VNICs with unique MACs and addresses), " +
                "the host side (plan, apply, drift, destroy, the apply journal), isolation audits and the topology. Every request but `GET /healthz` needs " +
                "`Authorization: Bearer TOKEN` (the read token for GET, the write token for everything). Errors are RFC 9457 problem documents.",
        };
        document["servers"] = new JsonArray(new JsonObject { ["url"] = ApiOptions.DefaultUrl, ["description"] = "where netvirt serve listens unless told otherwise (--urls)" });

        var components = Child(document, "components");
        var schemas = Child(components, "schemas");
        ImportDocumentSchema(schemas, documentSchema);
        AddProblemErrors(schemas);
        components["securitySchemes"] = new JsonObject
        {
            [Scheme] = new JsonObject
            {
                ["type"] = "http",
                ["scheme"] = "bearer",
                ["description"] = "A token of the server (its token file, or NETVIRT_API_TOKEN / NETVIRT_API_READ_TOKEN): the read token may GET, the write token may do everything.",
            },
        };
        document["security"] = new JsonArray(new JsonObject { [Scheme] = new JsonArray() });

        var usedTags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (_, pathItem) in Child(document, "paths"))
        {
            foreach (var (_, node) in pathItem!.AsObject())
            {
                if (node is not JsonObject operation || operation["operationId"]?.GetValue<string>() is not { } id)
                {
                    continue;
                }

                if (operation["summary"] is null && OpenApiCatalog.Summaries.TryGetValue(id, out var summary))
                {
                    operation["summary"] = summary;
                }

                if (Open.Contains(id))
                {
                    operation["security"] = new JsonArray();
                }

                if (OpenApiCatalog.RequestBodies.TryGetValue(id, out var body))
                {
                    operation["requestBody"] = new JsonObject
                    {
                        ["required"] = true,
                        ["content"] = new JsonObject
                        {
                            ["application/json"] = new JsonObject { ["schema"] = Ref(body) },
                            ["application/yaml"] = new JsonObject { ["schema"] = Ref(body) },
                        },
                    };
                }

                if (OpenApiCatalog.Responses.TryGetValue(id, out var response) && operation["responses"]?["200"]?["content"] is JsonObject content)
                {
                    foreach (var (_, media) in content)
                    {
                        if (media is JsonObject m && m["schema"] is JsonObject)
                        {
                            m["schema"] = response.Array ? new JsonObject { ["type"] = "array", ["items"] = Ref(response.Schema) } : Ref(response.Schema);
                        }
                    }
                }

                var responses = Child(operation, "responses");
                if (!responses.Any(r => r.Key.StartsWith('4')))
                {
                    responses["400"] = new JsonObject
                    {
                        ["description"] = "Malformed request",
                        ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Ref("ProblemDetails") } },
                    };
                }

                foreach (var tag in operation["tags"]?.AsArray() ?? [])
                {
                    usedTags.Add(tag!.GetValue<string>());
                }
            }
        }

        document["tags"] = new JsonArray([.. usedTags.Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t,
            ["description"] = OpenApiCatalog.Tags.TryGetValue(t, out var description) ? description : t,
        })]);

        // Bodies are typed by the document schema now; the untyped placeholder is left unused.
        if (!document.ToJsonString().Contains(Components + "JsonObject\"", StringComparison.Ordinal))
        {
            schemas.Remove("JsonObject");
        }

        return document;
    }

    /// <summary>
    /// The document schema's <c>$defs</c> as components (<c>network</c> → <c>Network</c>), the whole document as
    /// <c>NetVirtDocument</c>, and the request shapes that carry one more key: a VNIC with its <c>zone</c>, a
    /// reservation with its <c>network</c>.
    /// </summary>
    private static void ImportDocumentSchema(JsonObject schemas, JsonObject documentSchema)
    {
        var definitions = documentSchema["$defs"]?.AsObject() ?? [];
        foreach (var (name, definition) in definitions)
        {
            Add(schemas, Pascal(name), Rewrite(definition!.DeepClone()));
        }

        var root = (JsonObject)Rewrite(documentSchema.DeepClone());
        root.Remove("$schema");
        root.Remove("$id");
        root.Remove("$defs");
        Add(schemas, "NetVirtDocument", root);
        Add(schemas, "VnicRequest", WithKey(schemas["Vnic"]!, "zone", "The zone (container) the VNIC belongs to; created when new.", onlyRequired: true));
        Add(schemas, "ReservationRequest", WithKey(schemas["Reservation"]!, "network", "The network the reservation belongs to.", onlyRequired: false));
    }

    /// <summary>A copy of an object schema with one more required string key (for a VNIC request, the only required one: name and addresses have defaults).</summary>
    private static JsonObject WithKey(JsonNode schema, string key, string description, bool onlyRequired)
    {
        var copy = schema.DeepClone().AsObject();
        Child(copy, "properties")[key] = new JsonObject { ["type"] = "string", ["description"] = description };
        var required = onlyRequired ? [] : copy["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? [];
        required.Insert(0, key);
        copy["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]);
        return copy;
    }

    private static void AddProblemErrors(JsonObject schemas)
    {
        Add(schemas, "ProblemError", new JsonObject
        {
            ["type"] = "object",
            ["description"] = "One error: where, a stable code, and a message for people.",
            ["required"] = new JsonArray("path", "code", "message"),
            ["properties"] = new JsonObject
            {
                ["path"] = new JsonObject { ["type"] = "string", ["description"] = "A document path (zones[2].vnics[0]) or a body path ($.ipv4.subnet)." },
                ["code"] = new JsonObject { ["type"] = "string", ["description"] = "Stable code for scripts (vlan.out-of-range)." },
                ["message"] = new JsonObject { ["type"] = "string" },
            },
        });
        if (schemas["ProblemDetails"] is JsonObject problem)
        {
            problem["description"] = "An RFC 9457 problem document; invalid input (422) and conflicts (409) list every error in errors[].";
            Child(problem, "properties")["errors"] = new JsonObject { ["type"] = "array", ["items"] = Ref("ProblemError") };
        }
    }

    private static JsonNode Rewrite(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (key == "$ref" && o[key]?.GetValue<string>() is { } reference && reference.StartsWith("#/$defs/", StringComparison.Ordinal))
                    {
                        o[key] = Components + Pascal(reference["#/$defs/".Length..]);
                    }
                    else if (o[key] is { } child)
                    {
                        Rewrite(child);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null)
                    {
                        Rewrite(item);
                    }
                }

                break;
        }

        return node;
    }

    private static void Add(JsonObject schemas, string name, JsonNode schema)
    {
        if (schemas.ContainsKey(name))
        {
            throw new InvalidOperationException($"the OpenAPI document already has a schema '{name}'; rename the document-schema definition or the type");
        }

        schemas[name] = schema;
    }

    private static JsonObject Ref(string schema) => new() { ["$ref"] = Components + schema };

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    private static JsonObject Child(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }
}
