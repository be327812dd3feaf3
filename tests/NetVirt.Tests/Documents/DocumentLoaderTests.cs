using NetVirt.Documents;
using NetVirt.Model.Spec;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Documents;

public sealed class DocumentLoaderTests
{
    [Fact]
    public void Load_Sample_ReadsEveryObject()
    {
        var model = Models.Sample();
        Assert.Equal(2, model.Etherstubs.Count);
        Assert.Equal(4, model.Networks.Count);
        Assert.Equal([100, 200, 300, 0], model.Networks.Select(n => n.Vlan));
        Assert.Contains(model.Zones, z => z.Vnics.Count == 2);
        Assert.Equal(200_000_000, model.Zones[0].Vnics[0].MaxBandwidth);
    }

    [Fact]
    public void Load_MalformedYaml_ReportsFileLineAndColumn()
    {
        var result = DocumentLoader.Load("bad.yaml", "zones:\n  - name: a\n    vnics: [net0\n");
        var error = Assert.Single(result.Errors);
        Assert.Equal("yaml.syntax", error.Code);
        Assert.StartsWith("bad.yaml:", error.Message, StringComparison.Ordinal);
        Assert.Matches(@"^bad\.yaml:\d+:\d+: ", error.Message);
    }

    [Fact]
    public void Load_UnknownKey_SuggestsNearestKey()
    {
        var result = DocumentLoader.Load("t.yaml", "networks:\n  - name: n\n    over: stub0\n    vlna: 5\n");
        var error = Assert.Single(result.Errors);
        Assert.Equal("key.unknown", error.Code);
        Assert.Equal("networks[0].vlna", error.Path);
        Assert.Contains("did you mean 'vlan'?", error.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation("t.yaml", 4, 5), result.Map.Locate(error.Path));
    }

    [Theory]
    [InlineData("networks:\n  - name: n\n    over: s0\n    vlan: ten\n", "type.expected-integer", "networks[0].vlan")]
    [InlineData("networks:\n  - name: n\n    over: s0\n    vlan: \"10\"\n", "type.expected-integer", "networks[0].vlan")]
    [InlineData("zones: {}\n", "type.expected-list", "zones")]
    [InlineData("zones:\n  - name: z\n    vnics:\n      - name: net0\n        primary: yes\n", "type.expected-boolean", "zones[0].vnics[0].primary")]
    [InlineData("networks:\n  - name: n\n    over: s0\n    ipv4:\n      subnet: 10.0.0.5/24\n", "value.invalid-cidr", "networks[0].ipv4.subnet")]
    [InlineData("networks:\n  - name: n\n    over: s0\n    ipv4:\n      subnet: 10.0.0.0/24\n      gateway: 10.0.0.300\n", "value.invalid-address", "networks[0].ipv4.gateway")]
    [InlineData("zones:\n  - name: z\n    vnics:\n      - name: net0\n        mac: 2:8:20:a:b\n", "value.invalid-mac", "zones[0].vnics[0].mac")]
    [InlineData("zones:\n  - name: z\n    vnics:\n      - name: net0\n        maxbw: 100Mb\n", "value.invalid-bandwidth", "zones[0].vnics[0].maxbw")]
    [InlineData("zones:\n  - name: z\n    vnics:\n      - name: net0\n        protection: [mac-nospof]\n", "value.unknown-word", "zones[0].vnics[0].protection[0]")]
    [InlineData("zones:\n  - name: z\n    vnics:\n      - name: net0\n        addresses:\n          - tag: v4\n            address: 10.1\n", "value.invalid-address", "zones[0].vnics[0].addresses[0].address")]
    [InlineData("networks:\n  - name: n\n", "key.missing", "networks[0]")]
    [InlineData("version: 2\n", "document.version", "version")]
    public void Load_BadValue_ReportsCodeAndPath(string yaml, string code, string path)
    {
        var result = DocumentLoader.Load("t.yaml", yaml);
        Assert.Contains(result.Errors, e => e.Code == code && e.Path == path);
    }

    [Fact]
    public void Load_ValidValues_ParseToTypedSpec()
    {
        var model = Models.Parse("""
            zones:
              - name: z
                vnics:
                  - name: net0
                    over: stub0
                    vlan: 7
                    mac: 2:8:20:A:b:c
                    maxbw: 1.5G
                    priority: Medium
                    protection: mac-nospoof,restricted
                    allowed-ips: [10.0.0.5, 10.0.8.0/24]
                    addresses:
                      - tag: v4
                        address: 10.0.0.5/24
            """);
        var vnic = model.Zones[0].Vnics[0];
        Assert.Equal("02:08:20:0a:0b:0c", vnic.Mac.ToString());
        Assert.Equal(1_500_000_000, vnic.MaxBandwidth);
        Assert.Equal(Priority.Medium, vnic.Priority);
        Assert.Equal(Protection.MacNospoof | Protection.Restricted, vnic.Protection);
        Assert.Equal(["10.0.0.5/32", "10.0.8.0/24"], vnic.AllowedIps!.Value.Select(p => p.ToString()));
        Assert.Equal(24, vnic.Addresses[0].PrefixLength);
    }

    [Fact]
    public void Load_SeveralDocuments_MergeWithGlobalPaths()
    {
        var result = DocumentLoader.Load([
            new DocumentSource("a.yaml", "zones:\n  - name: a\n  - name: b\n"),
            new DocumentSource("b.yaml", "zones:\n  - name: c\n    bogus: 1\n---\nzones:\n  - name: d\n"),
        ]);
        Assert.Equal(["a", "b", "c", "d"], result.Model.Zones.Select(z => z.Name));
        var error = Assert.Single(result.Errors);
        Assert.Equal("zones[2].bogus", error.Path);
        Assert.Equal("b.yaml", result.Map.Locate(error.Path)!.Source);
        Assert.Equal("b.yaml", result.Map.Locate("zones[3].name")!.Source);
    }

    [Fact]
    public void Load_MissingFile_IsAnErrorNotAnException()
    {
        var result = DocumentLoader.LoadFiles(["/nonexistent/netvirt.yaml"]);
        Assert.Equal("file.unreadable", Assert.Single(result.Errors).Code);
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void WriteThenLoad_Sample_RoundTripsToAnEqualModel(string file)
    {
        var model = DocumentLoader.LoadFiles([file]).Model;
        var text = DocumentWriter.Write(model);
        var again = DocumentLoader.Load("export.yaml", text);
        Assert.True(again.IsValid, string.Join("\n", again.Errors) + "\n" + text);
        Assert.Equal(model, again.Model);
    }

    public static TheoryData<string> SampleFiles => [.. RepoPaths.Samples];
}
