using NetVirt.Cli;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Cli;

/// <summary>The command line end to end, in process: exit codes, error output, the store behind it.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Program.RunAsync(["--db", _db.Path, .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [MemberData(nameof(Documents.DocumentLoaderTests.SampleFiles), MemberType = typeof(Documents.DocumentLoaderTests))]
    public async Task Validate_ShippedSample_ExitsZero(string file)
    {
        var (exit, output, errors) = await Run("validate", "-f", file);
        Assert.True(exit == ExitCodes.Ok, errors);
        Assert.StartsWith("valid:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TenMistakes_ReportsTenErrorsWithPathsAndExitsTwo()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Cli", "Fixtures", "ten-mistakes.yaml");
        var (exit, _, errors) = await Run("validate", "-f", file);
        Assert.Equal(ExitCodes.InvalidInput, exit);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("10 errors; nothing was changed", lines[^1]);
        var codes = lines[..^1].Select(l => l[(l.LastIndexOf('[') + 1)..^1]).Order().ToList();
        Assert.Equal(
            ["addrobj.invalid-tag", "gateway.outside-subnet", "key.unknown", "mac.multicast", "mtu.out-of-range", "name.duplicate",
             "name.invalid-link-name", "ref.unknown-network", "type.expected-boolean", "vlan.out-of-range"],
            codes);
        Assert.All(lines[..^1], l => Assert.Matches(@"ten-mistakes\.yaml:\d+:\d+: [a-z]+\[\d\]", l));
    }

    [Fact]
    public async Task Apply_TenMistakes_LeavesTheDatabaseUntouched()
    {
        var sample = RepoPaths.MultiTenantSample;
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", sample)).Exit);
        var before = await Run("export");
        var file = Path.Combine(AppContext.BaseDirectory, "Cli", "Fixtures", "ten-mistakes.yaml");
        Assert.Equal(ExitCodes.InvalidInput, (await Run("apply", "--store-only", "-f", file)).Exit);
        Assert.Equal(before.Out, (await Run("export")).Out);
    }

    [Fact]
    public async Task ApplyStoreOnlyThenExport_RoundTripsTheSample()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);
        var exported = (await Run("export")).Out;
        var again = NetVirt.Documents.DocumentLoader.Load("export.yaml", exported);
        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.Equal(Models.Sample(), again.Model);

        // Storing the export again changes nothing.
        var path = Path.Combine(_db.Directory, "export.yaml");
        await File.WriteAllTextAsync(path, exported);
        Assert.Contains("unchanged", (await Run("apply", "--store-only", "-f", path)).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowVnics_Json_ListsAllocatedMacsAndAddresses()
    {
        await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample);
        var (exit, output, _) = await Run("show", "vnics", "--output", "json");
        Assert.Equal(ExitCodes.Ok, exit);
        var rows = System.Text.Json.JsonDocument.Parse(output).RootElement;
        Assert.Equal(10, rows.GetArrayLength());
        Assert.All(rows.EnumerateArray(), r => Assert.Matches("^02:08:20:", r.GetProperty("mac").GetString()));
    }

    [Fact]
    public async Task IpCommands_ShowUsageFreeNextAndWho()
    {
        await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample);
        var next = await Run("ip", "next", "acme", "--family", "ipv4");
        Assert.Equal("acme ipv4: 10.100.0.12\n", next.Out);
        var free = await Run("ip", "free", "acme", "--family", "ipv4", "--output", "json");
        Assert.Contains("10.100.0.12", free.Out, StringComparison.Ordinal);
        var who = await Run("ip", "who", "10.100.0.21");
        Assert.Contains("acme-web2", who.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidInput, (await Run("ip", "free", "nosuchnet")).Exit);
        Assert.Equal(ExitCodes.InvalidInput, (await Run("ip", "who", "10.1")).Exit);
    }

    [Fact]
    public async Task UnknownOption_ExitsTwo()
    {
        var (exit, _, errors) = await Run("validate", "--bogus");
        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("--bogus", errors, StringComparison.Ordinal);
    }
}
