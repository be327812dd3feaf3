using System.Net;
using NetVirt.Api.Security;
using NetVirt.Audit.Topology;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Cli;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation.Auditing;
using NetVirt.Store;
using NetVirt.Tests.Audit.Runs;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Api;

/// <summary>
/// <c>POST /audit</c> and <c>GET /audits/{id}</c> over the simulated fabric (instead of libpcap in namespaces): the
/// audit runs on the reconcile service, never beside an apply, and answers with the report document.
/// </summary>
public sealed class AuditEndpointsTests
{
    private FakeFabric? _fabric;

    /// <summary>An auditor over a fresh fake fabric (one per audit, as each run closes its captures) built from what is stored.</summary>
    private Auditor FabricAuditor(NetVirtStore store)
    {
        _fabric = new FakeFabric(AuditTopology.FromModel(store.Load().Resolved, new LinuxNaming("nvt1")));
        return new Auditor(store, _fabric, _fabric, "nvt1");
    }

    private static async Task StoreSampleAsync(ApiTestHost api)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, "/state") { Content = new StringContent(await File.ReadAllTextAsync(RepoPaths.MultiTenantSample), System.Text.Encoding.UTF8, "application/yaml") };
        var response = await api.Client.SendAsync(put);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Audit_HealthyHost_202ThenCleanReportAndFiles()
    {
        await using var api = await ApiTestHost.StartAsync(options: o => o with { Target = HostTarget.Linux }, auditor: FabricAuditor);
        await StoreSampleAsync(api);

        var accepted = await api.Client.PostAsync("/audit", null);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = accepted.Headers.Location!.OriginalString;
        Assert.StartsWith("/audits/", location, StringComparison.Ordinal);

        var view = await api.GetJsonAsync(location + "?wait=30");
        Assert.Equal("succeeded", view.GetProperty("run").GetProperty("state").GetString());
        Assert.Equal("audit", view.GetProperty("run").GetProperty("kind").GetString());
        Assert.True(view.GetProperty("report").GetProperty("clean").GetBoolean());
        Assert.Equal(10, view.GetProperty("report").GetProperty("summary").GetProperty("endpoints").GetInt32());
        var files = view.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Contains(files, f => f.EndsWith("report.html", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(File.Exists(f), f));
        Assert.StartsWith(Path.Combine(api.Database.Directory, "audits"), files[0], StringComparison.Ordinal);
        // The same run under /runs, with its outcome.
        Assert.Equal("clean", (await api.GetJsonAsync(location.Replace("/audits/", "/runs/", StringComparison.Ordinal))).GetProperty("result").GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync("/audits/4242")).StatusCode);
    }

    [Fact]
    public async Task Audit_JoinedTenants_ReportsTheLeak()
    {
        await using var api = await ApiTestHost.StartAsync(options: o => o with { Target = HostTarget.Linux }, auditor: store =>
        {
            var auditor = FabricAuditor(store);
            var topology = AuditTopology.FromModel(store.Load().Resolved, new LinuxNaming("nvt1"));
            _fabric!.Join(_fabric.DomainIndex(topology.Endpoints.First(e => e.Zone == "acme-web1")), _fabric.DomainIndex(topology.Endpoints.First(e => e.Zone == "globex-app1")));
            return auditor;
        });
        await StoreSampleAsync(api);
        var accepted = await api.Client.PostAsync("/audit", null);
        var report = (await api.GetJsonAsync(accepted.Headers.Location!.OriginalString + "?wait=30")).GetProperty("report");
        Assert.False(report.GetProperty("clean").GetBoolean());
        Assert.Contains(report.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("kind").GetString() == "LEAK" && f.GetProperty("from").GetString() == "acme-web1/net0" && f.GetProperty("to").GetString() == "globex-app1/net0");
    }

    [Fact]
    public async Task Audit_WaitsForARunningApply()
    {
        var backend = new FakeHostBackend { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var api = await ApiTestHost.StartAsync(options: o => o with { Target = HostTarget.Linux }, auditor: FabricAuditor,
            backend: _ => Task.FromResult<IHostBackend>(backend));
        await StoreSampleAsync(api);
        var apply = await api.Client.PostAsync("/apply", null);
        var applyRun = apply.Headers.Location!.OriginalString;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await api.GetJsonAsync(applyRun)).GetProperty("state").GetString() != "running")
        {
            Assert.True(DateTime.UtcNow < deadline, "the apply did not start");
            await Task.Delay(10);
        }

        var audit = (await api.Client.PostAsync("/audit", null)).Headers.Location!.OriginalString;
        await Task.Delay(100);
        Assert.Equal("queued", (await api.GetJsonAsync(audit)).GetProperty("run").GetProperty("state").GetString());

        backend.Gate.SetResult();
        var done = await api.GetJsonAsync(audit + "?wait=30");
        var applied = await api.GetJsonAsync(applyRun);
        Assert.Equal("succeeded", done.GetProperty("run").GetProperty("state").GetString());
        Assert.True(done.GetProperty("run").GetProperty("started-at").GetDateTimeOffset() >= applied.GetProperty("finished-at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Audit_WhereNoAuditCanRun_Is503AtOnce()
    {
        await using var api = await ApiTestHost.StartAsync(auditor: store => Auditor.ForHost(store, HostTarget.Illumos, "nvt1"));
        var response = await api.Client.PostAsync("/audit", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("cannot audit --target illumos", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await api.GetJsonAsync("/runs")).GetArrayLength());
    }

    [Fact]
    public async Task CliOverServer_Audit_PrintsTheServersReport()
    {
        await using var api = await ApiTestHost.StartAsync(loopback: true, options: o => o with { Target = HostTarget.Linux }, auditor: FabricAuditor,
            tokens: ApiTokens.None);
        await StoreSampleAsync(api);
        var stdout = new StringWriter();
        var exit = await Program.RunAsync(["--server", api.Url, "audit"], stdout, new StringWriter());
        Assert.True(exit == ExitCodes.Ok, stdout.ToString());
        Assert.Contains("CLEAN (10 VNICs, 90 ordered pairs", stdout.ToString(), StringComparison.Ordinal);

        var json = new StringWriter();
        var jsonErr = new StringWriter();
        Assert.True(await Program.RunAsync(["--server", api.Url, "audit", "--output", "json"], json, jsonErr) == ExitCodes.Ok, jsonErr.ToString());
        Assert.True(System.Text.Json.JsonDocument.Parse(json.ToString()).RootElement.GetProperty("clean").GetBoolean());
        Assert.Equal(ExitCodes.InvalidInput, await Program.RunAsync(["--server", api.Url, "audit", "--passive"], new StringWriter(), new StringWriter()));
    }
}
