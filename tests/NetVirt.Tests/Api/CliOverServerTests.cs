using NetVirt.Api.Reconcile;
using NetVirt.Api.Security;
using NetVirt.Backends.Execution;
using NetVirt.Cli;
using NetVirt.Model.Validation;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Api;

/// <summary>
/// <c>netvirt --server URL …</c> against a real <c>netvirt serve</c> on a loopback port: the same output and exit
/// codes as the same commands on a local database, and the host-side commands through the server's reconcile service.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliOverServerTests : IAsyncLifetime
{
    private readonly TempDatabase _local = new();
    private readonly FakeHostBackend _backend = new();
    private ApiTestHost _api = null!;
    private string _tokenFile = "";

    public async Task InitializeAsync()
    {
        _api = await ApiTestHost.StartAsync(loopback: true, backend: _ => Task.FromResult<IHostBackend>(_backend),
            options: o => o with { Target = HostTarget.Linux }, tokens: new ApiTokens(ApiTestHost.WriteToken, ApiTestHost.ReadToken));
        // Both databases have one deployment id, so both hand out the same MACs and print the same headers.
        _local.Open(deploymentId: TempDatabase.ZeroDeployment);
        _tokenFile = Path.Combine(_local.Directory, "client.tokens");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        await using (var writer = new StreamWriter(_tokenFile, System.Text.Encoding.UTF8, options))
        {
            await writer.WriteAsync($"write: {ApiTestHost.WriteToken}\n");
        }
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _local.Dispose();
    }

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Program.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private Task<(int Exit, string Out, string Err)> Local(params string[] args) => Run(["--db", _local.Path, "--target", "linux", .. args]);

    private Task<(int Exit, string Out, string Err)> Remote(params string[] args) => Run(["--server", _api.Url, "--token-file", _tokenFile, .. args]);

    [Fact]
    public async Task StoreSideCommands_PrintTheSameAsOnALocalDatabase()
    {
        var mistakes = Path.Combine(AppContext.BaseDirectory, "Cli", "Fixtures", "ten-mistakes.yaml");
        foreach (var args in new[]
        {
            new[] { "validate", "-f", RepoPaths.MultiTenantSample },
            ["validate", "-f", mistakes],
            ["apply", "--store-only", "-f", mistakes],
            ["apply", "--store-only", "-f", RepoPaths.MultiTenantSample],
            ["show", "networks"],
            ["show", "vnics", "--output", "json"],
            ["show", "zones", "--output", "json"],
            ["show", "addresses"],
            ["export"],
            ["export", "--resolved"],
            ["ip", "list", "--output", "json"],
            ["ip", "free", "acme", "--output", "json"],
            ["ip", "next", "acme"],
            ["ip", "who", "10.100.0.10", "--output", "json"],
            ["ip", "reserve", "acme", "10.100.0.200-10.100.0.210", "--note", "VIPs"],
            ["ip", "list", "acme"],
            ["ip", "release", "acme", "10.100.0.200-10.100.0.210"],
            ["ip", "release", "acme", "10.100.0.200"],
            ["ip", "free", "nope"],
            ["show", "vnics"],
        })
        {
            var local = await Local(args);
            var remote = await Remote(args);
            var what = string.Join(' ', args);
            Assert.True(local.Exit == remote.Exit, $"{what}: exit {local.Exit} locally, {remote.Exit} over the server\n{local.Err}\n{remote.Err}");
            Assert.Equal(Normalize(local.Out.Replace(_local.Path, "WHERE", StringComparison.Ordinal)), Normalize(remote.Out.Replace(_api.Url, "WHERE", StringComparison.Ordinal)));
            Assert.Equal(local.Err, remote.Err.Replace($" (server {_api.Url}/)", "", StringComparison.Ordinal));
        }
    }

    /// <summary>Allocation times differ between the two stores; everything else must not.</summary>
    private static string Normalize(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\d{4}-\d\d-\d\dT[\d:.]+Z", "TIME");

    [Fact]
    public async Task HostSideCommands_GoThroughTheServersReconcileService()
    {
        Assert.Equal(ExitCodes.Ok, (await Remote("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);
        var plan = await Remote("plan");
        Assert.Equal(ExitCodes.Ok, plan.Exit);
        Assert.Contains("to create", plan.Out, StringComparison.Ordinal);

        var drift = await Remote("drift");
        Assert.Equal(ExitCodes.DriftFound, drift.Exit);
        Assert.Contains("missing  zone", drift.Out, StringComparison.Ordinal);

        var refused = await Remote("apply");
        Assert.Equal(ExitCodes.InvalidInput, refused.Exit); // no terminal and no --auto-approve
        Assert.Empty(_backend.Objects);

        var apply = await Remote("apply", "--auto-approve");
        Assert.True(apply.Exit == ExitCodes.Ok, apply.Err + apply.Out);
        Assert.Matches(@"Run \d+: succeeded in", apply.Out);
        Assert.NotEmpty(_backend.Objects);
        Assert.Equal(ExitCodes.Ok, (await Remote("drift")).Exit);

        var history = await Remote("history");
        Assert.Contains("succeeded", history.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, (await Remote("history", "1", "--output", "json")).Exit);

        var destroy = await Remote("destroy", "--auto-approve");
        Assert.True(destroy.Exit == ExitCodes.Ok, destroy.Err + destroy.Out);
        Assert.Empty(_backend.Objects);
        Assert.Equal(ExitCodes.InvalidInput, (await Remote("plan", "--format", "script")).Exit);
    }

    [Fact]
    public async Task DryRunOverAServerThatReconcilesAutomatically_StoresNothingAndAppliesNothing()
    {
        // The defect: `apply -f X --dry-run --server` stored X with PUT /state, and --reconcile auto then applied it.
        var backend = new FakeHostBackend();
        await using var auto = await ApiTestHost.StartAsync(loopback: true, mode: ReconcileMode.Auto, backend: _ => Task.FromResult<IHostBackend>(backend),
            options: o => o with { Target = HostTarget.Linux }, tokens: new ApiTokens(ApiTestHost.WriteToken, ApiTestHost.ReadToken));
        Task<(int Exit, string Out, string Err)> Auto(params string[] args) => Run(["--server", auto.Url, "--token-file", _tokenFile, .. args]);

        var (exit, output, errors) = await Auto("apply", "-f", RepoPaths.MultiTenantSample, "--dry-run");
        await Task.Delay(200); // past the service's debounce: an apply queued by a store would have started

        Assert.True(exit == ExitCodes.Ok, output + errors);
        Assert.Contains("Dry run: nothing was stored and nothing was changed on the host.", output, StringComparison.Ordinal);
        Assert.Contains("+ acme-web1/net0  02:08:20:00:00:00 10.100.0.10/24", output, StringComparison.Ordinal);
        Assert.Equal(0, (await auto.GetJsonAsync("/healthz")).GetProperty("generation").GetInt64());
        Assert.Empty(backend.Objects);
        Assert.DoesNotContain((await auto.GetJsonAsync("/runs")).EnumerateArray(), r => r.GetProperty("kind").GetString() == "apply");

        // A reservation over a held address is refused over the server with the local exit code, naming the holder.
        Assert.Equal(ExitCodes.Ok, (await Auto("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);
        var reserve = await Auto("ip", "reserve", "acme", "10.100.0.10");
        Assert.Equal(ExitCodes.InvalidInput, reserve.Exit);
        Assert.Contains("zone 'acme-web1' vnic 'net0' address 'v4'", reserve.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongTokenOrNoServer_FailsWithExitOneAndSaysWhy()
    {
        var noToken = await Run("--server", _api.Url, "show", "zones");
        Assert.Equal(ExitCodes.Failure, noToken.Exit);
        Assert.Contains("refused the request (401)", noToken.Err, StringComparison.Ordinal);

        var nobody = await Run("--server", "http://127.0.0.1:9", "show", "zones");
        Assert.Equal(ExitCodes.Failure, nobody.Exit);
        Assert.Contains("cannot reach the NetVirt server", nobody.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidInput, (await Run("--server", "ftp://x", "show", "zones")).Exit);
    }
}
