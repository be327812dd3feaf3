using NetVirt.Documents;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Documents;

/// <summary>Single objects (API request bodies) read by the document loader, and documents written as JSON.</summary>
public sealed class DocumentItemsTests
{
    [Fact]
    public void LoadNetwork_SameAsInADocument()
    {
        var sample = Models.Sample();
        foreach (var network in sample.Networks)
        {
            var json = DocumentWriter.ToJson(network).ToJsonString();
            var loaded = DocumentLoader.LoadNetwork("body", json);
            Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
            Assert.Equal(network, loaded.Item);
        }
    }

    [Fact]
    public void LoadVnic_ExtraKeysAndDefaults_AreTakenOutAndFilledIn()
    {
        var loaded = DocumentLoader.LoadVnic("body", """{"zone": "web1", "network": "acme", "maxbw": "100M"}""",
            new Dictionary<string, string> { ["name"] = "net0" }, "zone");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        Assert.Equal("web1", loaded.Extra["zone"]);
        Assert.Equal("net0", loaded.Item!.Name);
        Assert.Equal(100_000_000, loaded.Item.MaxBandwidth);
        Assert.DoesNotContain("name", loaded.Keys);
        Assert.Contains("zone", loaded.Keys);
    }

    [Fact]
    public void LoadItem_Mistakes_ReportEveryErrorUnderTheBodyRoot()
    {
        var loaded = DocumentLoader.LoadNetwork("body", """{"over": 5, "vlan": "x", "colour": 1, "ipv4": {"subnet": "nope"}}""");
        Assert.False(loaded.IsValid);
        Assert.Equal(["$", "$.colour", "$.ipv4.subnet", "$.vlan"], loaded.Errors.Select(e => e.Path).Order(StringComparer.Ordinal).Distinct());
        Assert.Equal("body.empty", DocumentLoader.LoadPool("body", "").Errors.Single().Code);
        Assert.Equal("yaml.syntax", DocumentLoader.LoadZone("body", "{\"name\": ").Errors.Single().Code);
        Assert.Equal("type.expected-mapping", DocumentLoader.LoadEtherstub("body", "[1, 2]").Errors.Single().Code);
    }

    [Fact]
    public void WriteJson_TheSample_ReadsBackEqual()
    {
        var sample = Models.Sample();
        var loaded = DocumentLoader.Load("sample.json", DocumentWriter.WriteJson(sample).ToJsonString());
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        Assert.Equal(sample, loaded.Model);
    }
}
