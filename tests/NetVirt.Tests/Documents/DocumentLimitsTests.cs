using NetVirt.Documents;

namespace NetVirt.Tests.Documents;

/// <summary>Hostile documents are errors with a code and a location, never a crash (the process cannot catch a stack overflow).</summary>
public sealed class DocumentLimitsTests
{
    [Theory]
    [InlineData("[")]
    [InlineData("{a: ")]
    [InlineData("- ")]
    public void Load_FiftyThousandNestedLevels_IsTooDeepNotAStackOverflow(string level)
    {
        // 50,000 nested '[' (100 KB) overflowed the stack in YamlDotNet's recursive tree builder and killed the process.
        var text = string.Concat(Enumerable.Repeat(level, 50_000));

        var loaded = DocumentLoader.Load("deep.yaml", text);

        var error = Assert.Single(loaded.Errors);
        Assert.Equal("document.too-deep", error.Code);
        Assert.StartsWith("deep.yaml:1:", error.Message, StringComparison.Ordinal);
        Assert.True(DocumentValidation.IsUnreadable(error));
    }

    [Fact]
    public void LoadItem_DeepRequestBody_IsTooDeep()
    {
        var loaded = DocumentLoader.LoadZone("request body", "{\"name\": " + new string('[', 50_000));
        Assert.Equal("document.too-deep", Assert.Single(loaded.Errors).Code);
    }

    [Fact]
    public void Load_NestingAtTheLimit_IsReadAsUsual()
    {
        var text = "zones: " + new string('[', DocumentLimits.MaxDepth - 1) + new string(']', DocumentLimits.MaxDepth - 1);
        Assert.DoesNotContain(DocumentLoader.Load("ok.yaml", text).Errors, e => e.Code.StartsWith("document.", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_AliasesExpandingToBillionsOfNodes_IsTooLarge()
    {
        // "Billion laughs": nine levels of ten aliases each name 10^9 nodes in a few hundred bytes.
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i <= 9; i++)
        {
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        }

        var loaded = DocumentLoader.Load("laughs.yaml", string.Join("\n", lines));

        Assert.Equal("document.too-large", Assert.Single(loaded.Errors).Code);
    }

    [Fact]
    public void Load_ModestAliases_AreFine()
    {
        var loaded = DocumentLoader.Load("alias.yaml", """
            etherstubs: [{ name: stub0 }]
            networks: [{ name: n1, over: stub0, vlan: 5, ipv4: { subnet: 10.0.0.0/24 } }]
            zones:
              - name: z1
                vnics: [&nic { name: net0, network: n1, addresses: [{ tag: v4, address: auto }] }]
              - name: z2
                vnics: [*nic]
            """);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        Assert.Equal(2, loaded.Model.Zones.Count);
    }

    [Fact]
    public void Load_PlainScalarCutOffInAFlowMapping_IsASyntaxErrorNotAnInternalError()
    {
        // Found by the property test: YamlDotNet's scanner throws InvalidOperationException here, not a YamlException.
        var loaded = DocumentLoader.Load("cut.yaml", """
            networks:
              - { name: acme, ipv4: { subnet: 10.100.0.0/24, gateeserved: [{ address: 10.100.0.5 }] }
            zones:
              - name: c1
            """);

        var error = Assert.Single(loaded.Errors);
        Assert.Equal("yaml.syntax", error.Code);
        Assert.StartsWith("cut.yaml:", error.Message, StringComparison.Ordinal);
    }
}
