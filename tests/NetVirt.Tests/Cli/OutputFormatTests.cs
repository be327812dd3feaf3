using System.Text.Json;
using NetVirt.Api.Views;
using NetVirt.Cli;
using NetVirt.Cli.Output;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Cli;

/// <summary>What the CLI prints for people and for scripts: address counts, JSON numbers, tables, control characters.</summary>
public sealed class OutputFormatTests
{
    [Theory]
    [InlineData("241", "241")]
    [InlineData("65534", "65,534")]
    [InlineData("1000000000", "1,000,000,000")]
    [InlineData("18446744073709551616", "2^64")]
    [InlineData("18446744073709551614", "≈2^64")]
    [InlineData("18446744073709551611", "≈2^64")]
    [InlineData("4294967296", "2^32")]
    [InlineData("2305843009213693951", "≈2^61")]
    [InlineData("2251799813685247", "≈2^51")]
    [InlineData("3000000000000", "3.0e12")]
    public void AddressCount_Format(string count, string shown) => Assert.Equal(shown, AddressCount.Format(UInt128.Parse(count, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void UsageView_Json_ExactIntegersBothWays()
    {
        var usage = new UsageView("acme", "ipv6", "fd10::/64", "fd10::1-fd10::ffff:ffff:ffff:ffff", UInt128.Parse("18446744073709551614", System.Globalization.CultureInfo.InvariantCulture), 3, 5, 0, 0, "fd10::4");
        var json = JsonSerializer.Serialize(usage, NetVirt.Api.ApiJson.Options);
        Assert.Contains("\"usable\":18446744073709551614,", json, StringComparison.Ordinal);
        Assert.Contains("\"used\":3,", json, StringComparison.Ordinal);
        Assert.Equal(usage, JsonSerializer.Deserialize<UsageView>(json, NetVirt.Api.ApiJson.Options));
        // An older server sent counts as strings; they still read.
        Assert.Equal(usage, JsonSerializer.Deserialize<UsageView>(json.Replace("\"used\":3", "\"used\":\"3\"", StringComparison.Ordinal), NetVirt.Api.ApiJson.Options));
    }

    [Fact]
    public void TextTable_NoBlankLines_NoTrailingSpaces_FitsTheWidthByWrapping()
    {
        var table = new TextTable("ZONE", "ADDRESSES").AddRow("acme-web1", "10.100.0.10/24 fd10:100::2/64 fd10:100::8:20ff:fe00:2/64").AddRow("b", "");
        var wide = table.Lines(null);
        Assert.Equal(3, wide.Count);
        Assert.All(wide, l => Assert.Equal(l.TrimEnd(), l));
        Assert.Equal("ZONE       ADDRESSES", wide[0]);

        var narrow = table.Lines(40);
        Assert.All(narrow, l => Assert.True(l.Length <= 40, $"'{l}' is {l.Length} wide"));
        Assert.Equal("acme-web1  10.100.0.10/24 fd10:100::2/64", narrow[1]);
        Assert.Equal("           fd10:100::8:20ff:fe00:2/64", narrow[2]);
        Assert.DoesNotContain(narrow, l => l.Length == 0);
    }

    [Fact]
    public void DisplayText_EscapesControlCharactersAndBidiOverrides()
    {
        Assert.Equal("db\\x1B[31mred\\x07 \\u202Eevil", DisplayText.Escape("db\u001b[31mred\u0007 \u202eevil"));
        Assert.Equal("plain ✓ ümlaut", DisplayText.Escape("plain ✓ ümlaut"));
        Assert.Null(DisplayText.Escape(null));
    }

    [Fact]
    public async Task Show_DescriptionWithEscapeSequence_IsEscapedInTheTable()
    {
        using var db = new TempDatabase();
        var doc = Path.Combine(db.Directory, "esc.yaml");
        await File.WriteAllTextAsync(doc, "version: 1\netherstubs:\n  - name: stub0\n    description: \"evil \\e]0;owned\\a \\e[2J\"\n");
        var err = new StringWriter();
        Assert.True(await Program.RunAsync(["--db", db.Path, "apply", "--store-only", "-f", doc], new StringWriter(), err) == ExitCodes.Ok, err.ToString());
        var stdout = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await Program.RunAsync(["--db", db.Path, "show", "etherstubs"], stdout, new StringWriter()));
        Assert.DoesNotContain('\u001b', stdout.ToString());
        Assert.Contains("evil \\x1B]0;owned\\x07 \\x1B[2J", stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n", stdout.ToString(), StringComparison.Ordinal);
        Assert.False(stdout.ToString().StartsWith('\n'));
    }

    [Fact]
    public async Task IpList_Json_CountsAreNumbers_Table_ShowsPowersOfTwo()
    {
        using var db = new TempDatabase();
        Assert.Equal(ExitCodes.Ok, await Program.RunAsync(["--db", db.Path, "apply", "--store-only", "-f", RepoPaths.MultiTenantSample], new StringWriter(), new StringWriter()));
        var json = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await Program.RunAsync(["--db", db.Path, "ip", "list", "-o", "json"], json, new StringWriter()));
        var rows = JsonDocument.Parse(json.ToString()).RootElement;
        var v6 = rows.EnumerateArray().First(r => r.GetProperty("network").GetString() == "acme" && r.GetProperty("family").GetString() == "ipv6");
        Assert.Equal(JsonValueKind.Number, v6.GetProperty("usable").ValueKind);
        Assert.Equal("18446744073709551614", v6.GetProperty("usable").GetRawText());
        var table = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await Program.RunAsync(["--db", db.Path, "ip", "list"], table, new StringWriter()));
        Assert.Contains("≈2^64", table.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("18446744073709551614", table.ToString(), StringComparison.Ordinal);
    }
}
