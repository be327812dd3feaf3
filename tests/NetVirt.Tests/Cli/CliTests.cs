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

    /// <summary>The phases one CLI run goes through (its own only: spans under a root activity of this test).</summary>
    private async Task<(string Out, IReadOnlyCollection<string> Phases)> RunTraced(params string[] args)
    {
        var phases = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var root = new System.Diagnostics.Activity("test").Start();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == NetVirt.Backends.Execution.Phases.SourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if (a.RootId == root.RootId)
                {
                    phases.Add(a.DisplayName);
                }
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        var (exit, output, errors) = await Run(args);
        Assert.True(exit == ExitCodes.Ok, errors);
        return (output, phases);
    }

    [Fact]
    public async Task Apply_TheDocumentsStoredLast_AreNotParsedOrStoredAgain()
    {
        var (first, read) = await RunTraced("apply", "--store-only", "-f", RepoPaths.MultiTenantSample);
        Assert.Contains("stored desired state generation 1", first, StringComparison.Ordinal);
        Assert.Contains("parse documents", read);

        var (again, skipped) = await RunTraced("apply", "--store-only", "-f", RepoPaths.MultiTenantSample);
        Assert.Contains("desired state unchanged (generation 1)", again, StringComparison.Ordinal);
        Assert.Contains("read documents", skipped);
        Assert.DoesNotContain("parse documents", skipped);
        Assert.DoesNotContain("validate", skipped);
        Assert.DoesNotContain("store", skipped);

        // The same text under another name is the same documents; one character more is not.
        var copy = Path.Combine(_db.Directory, "copy.yaml");
        var text = await File.ReadAllTextAsync(RepoPaths.MultiTenantSample);
        await File.WriteAllTextAsync(copy, text);
        Assert.DoesNotContain("parse documents", (await RunTraced("apply", "--store-only", "-f", copy)).Phases);
        await File.WriteAllTextAsync(copy, text + "\n");
        var (edited, parsed) = await RunTraced("apply", "--store-only", "-f", copy);
        Assert.Contains("parse documents", parsed);
        Assert.Contains("desired state unchanged (generation 1)", edited, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_TheDocumentsStoredLast_AfterAnotherChange_StoresThemAgain()
    {
        await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample);
        await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample);
        Assert.Equal(ExitCodes.Ok, (await Run("ip", "reserve", "acme", "10.100.0.200")).Exit);
        Assert.Contains("10.100.0.200", (await Run("export")).Out, StringComparison.Ordinal);

        // The documents do not hold the reservation: storing them again removes it, so they must be stored, not skipped.
        var (output, phases) = await RunTraced("apply", "--store-only", "-f", RepoPaths.MultiTenantSample);
        Assert.Contains("stored desired state generation 3", output, StringComparison.Ordinal);
        Assert.Contains("store", phases);
        Assert.DoesNotContain("10.100.0.200", (await Run("export")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_DocumentsWithWarnings_AreReadEveryTime_SoTheWarningsAreShownEveryTime()
    {
        var file = Path.Combine(_db.Directory, "warned.yaml");
        await File.WriteAllTextAsync(file, """
            version: 1
            etherstubs: [{ name: stub0 }]
            networks:
              - { name: n1, over: stub0, vlan: 10, ipv4: { subnet: 10.9.0.0/24 } }
            zones:
              - { name: z1, vnics: [{ name: net0, network: n1 }] }
            """);
        for (var i = 0; i < 2; i++)
        {
            var stderr = new StringWriter();
            Assert.Equal(ExitCodes.Ok, await Program.RunAsync(["--db", _db.Path, "apply", "--store-only", "-f", file], new StringWriter(), stderr));
            Assert.Contains("vnic.no-addresses", stderr.ToString(), StringComparison.Ordinal);
        }

        Assert.Null(StoredDigest());
    }

    [Fact]
    public async Task Apply_DocumentsOfManyHosts_AreReadEveryTime_SoTheyAreNeverAppliedHere()
    {
        // Documents with hosts are stored and left to each host's agent; a skipped read could not tell that.
        var sample = Path.Combine(RepoPaths.Root, "schemas", "examples", "three-hosts.yaml");
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", sample)).Exit);
        Assert.Null(StoredDigest());
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);
        Assert.NotNull(StoredDigest());
    }

    private string? StoredDigest()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_db.Path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT documents_digest FROM meta";
        return command.ExecuteScalar() as string;
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
