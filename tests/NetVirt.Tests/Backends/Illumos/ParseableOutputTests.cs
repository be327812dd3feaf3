using NetVirt.Backends.Illumos.Parsing;

namespace NetVirt.Tests.Backends.Illumos;

public sealed class ParseableOutputTests
{
    [Fact]
    public void SplitLine_EscapedColonsAndBackslashes_AreLiteral()
    {
        Assert.Equal(["web0", "stub0", "2:8:20:aa:0:1", "a\\b", ""], ParseableOutput.SplitLine(@"web0:stub0:2\:8\:20\:aa\:0\:1:a\\b:", 5));
    }

    [Fact]
    public void SplitLine_WrongFieldCount_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => ParseableOutput.SplitLine("a:b:c", 2));
        Assert.Contains("expected 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SplitLine_DanglingBackslash_Throws()
    {
        Assert.Throws<FormatException>(() => ParseableOutput.SplitLine("a:b\\", 2));
    }

    [Fact]
    public void Parse_OneField_IsRawWithoutUnescaping()
    {
        // With one requested field libofmt prints the value raw: colons are not escaped and backslashes stay.
        var rows = ParseableOutput.Parse("0:c:29:3b:7:1e\n\nx\\y\n", 1);

        Assert.Equal([["0:c:29:3b:7:1e"], [""], ["x\\y"]], rows);
    }

    [Fact]
    public void Parse_NoOutput_IsNoRecords()
    {
        Assert.Empty(ParseableOutput.Parse("", 4));
    }

    [Fact]
    public void Parse_ValuesWithSpacesAndCommas_AreKept()
    {
        var rows = ParseableOutput.Parse("vr0:factory, slot 1:  200:a,b\n", 4);

        Assert.Equal(["vr0", "factory, slot 1", "  200", "a,b"], Assert.Single(rows));
    }

    [Fact]
    public void Parse_CrLf_IsTolerated()
    {
        Assert.Equal(["a", "b"], Assert.Single(ParseableOutput.Parse("a:b\r\n", 2)));
    }
}
