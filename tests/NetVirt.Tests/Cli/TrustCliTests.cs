using System.Text.Json;
using NetVirt.Cli;
using NetVirt.Store;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Cli;

/// <summary>
/// The command line on the wrong database, with hostile input, and with requests that must not change anything
/// quietly: each test is one defect of the hostile pass, reproduced as it was found.
/// </summary>
[Collection(nameof(AuditCommandTests))] // runs commands that read Console.In or the audit factory; kept out of their way
public sealed class TrustCliTests : IDisposable
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

    private string Write(string name, string text)
    {
        var path = Path.Combine(_db.Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public static TheoryData<string[]> ReadingCommands => new()
    {
        { ["plan"] },
        { ["plan", "--target", "illumos", "--format", "script"] },
        { ["drift"] },
        { ["show", "networks"] },
        { ["show", "vnics", "--output", "json"] },
        { ["export"] },
        { ["history"] },
        { ["ip", "list"] },
        { ["ip", "free", "acme"] },
        { ["ip", "next", "acme"] },
        { ["ip", "who", "10.100.0.10"] },
        { ["audit"] },
        { ["destroy", "--auto-approve"] },
        { ["apply", "--auto-approve"] },
    };

    [Theory]
    [MemberData(nameof(ReadingCommands))]
    public async Task ReadingCommand_MistypedDatabase_IsAnErrorNamingThePathAndCreatesNothing(string[] args)
    {
        // The defect: a mistyped --db was created empty, and `plan` then listed every zone of the real deployment for deletion.
        var (exit, output, errors) = await Run(args);

        Assert.False(File.Exists(_db.Path), $"{string.Join(' ', args)} created {_db.Path}");
        Assert.DoesNotContain(Directory.GetFiles(_db.Directory), f => f.StartsWith(_db.Path, StringComparison.Ordinal));
        if (args[0] == "audit" && errors.Contains("must run as root", StringComparison.Ordinal))
        {
            return; // not root: the audit says so before it opens anything
        }

        Assert.True(exit == ExitCodes.InvalidInput, $"{string.Join(' ', args)}: exit {exit}\n{output}{errors}");
        Assert.Contains($"no NetVirt database at '{_db.Path}'", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NoDatabase_ValidatesWithoutCreatingOne()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("validate", "-f", RepoPaths.MultiTenantSample)).Exit);
        Assert.False(File.Exists(_db.Path));
    }

    [Fact]
    public async Task ApplyDryRun_OverAStoredState_ShowsPlanAndAllocationsAndStoresNothing()
    {
        // The defect: `apply -f X --dry-run` replaced the stored desired state with X.
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);
        var before = (await Run("export", "--resolved")).Out;
        var generation = NetVirtStore.OpenExisting(_db.Path).Generation();
        var changed = Write("changed.yaml", File.ReadAllText(RepoPaths.MultiTenantSample).Replace("- name: acme-web2", """
            - name: acme-web3
                vnics:
                  - { name: net0, network: acme, addresses: [{ tag: v4, address: auto, family: ipv4 }] }
              - name: acme-web2
            """, StringComparison.Ordinal));

        var (exit, output, errors) = await Run("--target", "illumos", "apply", "-f", changed, "--dry-run");

        Assert.True(exit == ExitCodes.Ok, output + errors);
        Assert.Contains("Dry run: nothing was stored and nothing was changed on the host.", output, StringComparison.Ordinal);
        Assert.Matches(@"\+ acme-web3/net0  02:08:20:[0-9a-f:]+ 10\.100\.0\.12/24", output);
        Assert.Equal(before, (await Run("export", "--resolved")).Out);
        Assert.Equal(generation, NetVirtStore.OpenExisting(_db.Path).Generation());
    }

    [Fact]
    public async Task ApplyDryRun_NoDatabase_PlansFromScratchAndCreatesNone()
    {
        var (exit, output, errors) = await Run("--target", "illumos", "apply", "-f", RepoPaths.MultiTenantSample, "--dry-run", "--output", "json");

        Assert.True(exit == ExitCodes.Ok, output + errors);
        Assert.False(File.Exists(_db.Path));
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("dry-run").GetBoolean());
        Assert.Equal(10, json.RootElement.GetProperty("allocations").GetArrayLength());
        Assert.True(json.RootElement.GetProperty("plan").GetProperty("steps").GetArrayLength() > 0);
    }

    [Fact]
    public async Task ApplyDryRun_EmptyPostgresDatabase_PlansFromScratchAndCreatesNothing()
    {
        if (!NetVirt.Testing.ThrowawayPostgres.Available && Environment.GetEnvironmentVariable("CI") != "true")
        {
            return;
        }

        using var db = new TempStore(StoreEngine.PostgreSql);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await Program.RunAsync(["--db", db.Location, "--target", "illumos", "apply", "-f", RepoPaths.MultiTenantSample, "--dry-run", "--output", "json"], stdout, stderr);

        Assert.True(exit == ExitCodes.Ok, stdout.ToString() + stderr);
        using var json = JsonDocument.Parse(stdout.ToString());
        Assert.Equal(10, json.RootElement.GetProperty("allocations").GetArrayLength());
        // Not a table, not a row: the database is as empty as it was.
        using var connection = new Npgsql.NpgsqlConnection(((StoreAddress)StoreLocation.Parse(db.Location)).ConnectionString + ";Pooling=false");
        connection.Open();
        Assert.Equal(0L, Dapper.SqlMapper.ExecuteScalar<long>(connection, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"));
        Assert.False(NetVirtDatabase.HoldsDeployment(StoreLocation.Parse(db.Location)));
    }

    [Fact]
    public async Task ApplyEmptyInput_OverAState_IsRefusedUnlessAllowEmpty()
    {
        // The defect: `apply --store-only -f -` with empty input replaced the whole desired state with nothing.
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);
        var before = (await Run("export")).Out;
        var original = Console.In;
        (int Exit, string Out, string Err) refused;
        try
        {
            Console.SetIn(new StringReader(""));
            refused = await Run("apply", "--store-only", "-f", "-");
        }
        finally
        {
            Console.SetIn(original);
        }

        Assert.Equal(ExitCodes.InvalidInput, refused.Exit);
        Assert.Contains("--allow-empty", refused.Err, StringComparison.Ordinal);
        Assert.Equal(before, (await Run("export")).Out);

        var empty = Write("empty.yaml", "version: 1\n");
        Assert.Equal(ExitCodes.InvalidInput, (await Run("apply", "--store-only", "-f", empty)).Exit);
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", empty, "--allow-empty")).Exit);
        Assert.Equal(0, JsonDocument.Parse((await Run("show", "vnics", "--output", "json")).Out).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task IpReserve_AddressHeldByAnAutomaticVnic_ExitsTwoNamingTheHolder()
    {
        // The defect: the reservation succeeded and silently renumbered acme-web1.
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);

        var (exit, _, errors) = await Run("ip", "reserve", "acme", "10.100.0.10");

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("10.100.0.10: zone 'acme-web1' vnic 'net0' address 'v4'", errors, StringComparison.Ordinal);
        Assert.Contains("acme-web1", (await Run("ip", "who", "10.100.0.10")).Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ip", "reserve", "acme", "10.100.0.010")]
    [InlineData("ip", "reserve", "acme", "10.100.0.200-10.100.0.0210")]
    [InlineData("ip", "who", "10.100.0.010")]
    public async Task IpCommands_LeadingZeroIpv4_IsInvalidNotOctal(params string[] args)
    {
        // The defect: 10.100.0.010 was read as 10.100.0.8.
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);
        var before = (await Run("export")).Out;

        var (exit, _, errors) = await Run(args);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("without leading zeros", errors, StringComparison.Ordinal);
        Assert.Equal(before, (await Run("export")).Out);
    }

    [Fact]
    public async Task Validate_FiftyThousandNestedBrackets_IsAnErrorNotACrash()
    {
        // The defect: a stack overflow (exit 134).
        var deep = Write("deep.yaml", new string('[', 50_000));

        var (exit, _, errors) = await Run("validate", "-f", deep);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.StartsWith($"{deep}:1:", errors, StringComparison.Ordinal);
        Assert.Contains("[document.too-deep]", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_NameEndingInNewline_IsRefused()
    {
        // The defect: "web1\n" passed validation and created a netns '…-web1\n'.
        var file = Write("newline.json", """
            {"etherstubs": [{"name": "stub0"}], "networks": [{"name": "n", "over": "stub0", "vlan": 5, "ipv4": {"subnet": "10.5.0.0/24"}}],
             "zones": [{"name": "web1\n", "vnics": [{"name": "net0", "network": "n", "addresses": [{"tag": "v4", "address": "auto"}]}]}]}
            """);

        var (exit, _, errors) = await Run("apply", "--store-only", "-f", file);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("zones[0].name", errors, StringComparison.Ordinal);
        Assert.False(File.Exists(_db.Path));
    }

    [Fact]
    public async Task Validate_HugeBandwidthAndMulticastPrefix_AreErrorsNotInternalFailures()
    {
        var file = Write("bw.yaml", """
            settings: { mac-prefix: "3:0:0" }
            etherstubs: [{ name: stub0 }]
            zones:
              - name: z1
                vnics: [{ name: net0, over: stub0, vlan: 5, maxbw: 99999999999999999999G }]
            """);

        var (exit, _, errors) = await Run("validate", "-f", file);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("[value.invalid-bandwidth]", errors, StringComparison.Ordinal);
        Assert.Contains("[mac-prefix.multicast]", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_VnicWithoutAddresses_WarnsAndStaysValid()
    {
        var file = Write("noaddr.yaml", """
            etherstubs: [{ name: stub0 }]
            networks: [{ name: n, over: stub0, vlan: 5, ipv4: { subnet: 10.5.0.0/24 } }]
            zones:
              - name: z1
                vnics: [{ name: net0, network: n }]
            """);

        var (exit, output, errors) = await Run("validate", "-f", file);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.StartsWith("valid:", output, StringComparison.Ordinal);
        Assert.StartsWith($"warning: {file}:5:", errors, StringComparison.Ordinal);
        Assert.Contains("zones[0].vnics[0].addresses: zone 'z1' vnic 'net0' is on network 'n' but has no 'addresses'", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_ShowsTheDeploymentId()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);
        var id = NetVirtStore.OpenExisting(_db.Path).DeploymentId;

        var (exit, output, _) = await Run("history");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.StartsWith($"Deployment {id} ({_db.Path})", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://x@127.0.0.1:18471", "user information")]
    [InlineData("http://127.0.0.1:18471/netvirt", "no path")]
    [InlineData("ftp://127.0.0.1:18471", "http or https")]
    [InlineData("http://127.1:18471", "not written as a plain IP address")]
    [InlineData("http://10.0.0.1:18471", "refusing to listen")]
    public async Task Serve_AuthNoneOnAUrlKestrelWouldNotBindToLoopback_IsOneClearLine(string url, string why)
    {
        // The defect: http://x@127.0.0.1:18471 passed the loopback check, and Kestrel bound every interface.
        var (exit, output, errors) = await Run("serve", "--auth", "none", "--urls", url);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains(why, errors, StringComparison.Ordinal);
        Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Serve_EmptySocketPath_IsOneClearLine()
    {
        // It was "internal error: ArgumentException: The value cannot be an empty string".
        var (exit, output, errors) = await Run("serve", "--auth", "none", "--urls", "http://127.0.0.1:18471", "--socket", "");

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("--socket needs a path", errors, StringComparison.Ordinal);
        Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", output);
    }
}
