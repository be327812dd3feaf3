using System.Text.Json.Nodes;
using NetVirt.Tests.Support;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetVirt.Tests.Documents;

/// <summary>The JSON Schema editors use must accept every shipped sample, and reject what the loader rejects.</summary>
public sealed class SchemaTests
{
    private static readonly JsonNode Schema = JsonNode.Parse(File.ReadAllText(RepoPaths.Schema))!;

    [Theory]
    [MemberData(nameof(DocumentLoaderTests.SampleFiles), MemberType = typeof(DocumentLoaderTests))]
    public void Schema_Sample_Validates(string file)
    {
        var errors = JsonSchemaSubset.Validate(Schema, ToJson(File.ReadAllText(file)));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [InlineData("zones:\n  - name: z\n    bogus: 1\n")]
    [InlineData("networks:\n  - name: n\n    over: s0\n    vlan: 5000\n")]
    [InlineData("etherstubs:\n  - name: stub01\n")]
    [InlineData("zones:\n  - name: z\n    vnics:\n      - name: net0\n        mac: 2:8:20\n")]
    [InlineData("networks:\n  - name: n\n")]
    [InlineData("networks:\n  - name: n\n    over: s0\n    ipv4: { subnet: 10.1.0.0/24, gateway: 10.1.0.010 }\n")]
    [InlineData("networks:\n  - name: n\n    over: s0\n    ipv4: { subnet: 10.1.0.0/024 }\n")]
    public void Schema_InvalidDocument_IsRejected(string yaml) =>
        Assert.NotEmpty(JsonSchemaSubset.Validate(Schema, ToJson(yaml)));

    /// <summary>YAML to JSON the way the loader reads scalars: plain integers and booleans are typed, the rest text.</summary>
    public static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
        YamlSequenceNode s => new JsonArray([.. s.Children.Select(Convert)]),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } b => JsonValue.Create(b.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain } p when long.TryParse(p.Value, out var n) => JsonValue.Create(n),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" } => null,
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => null,
    };
}
