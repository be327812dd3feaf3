using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using NetVirt.Api;
using NetVirt.Api.Security;
using NetVirt.Audit.Topology;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation.Auditing;
using NetVirt.Store;
using NetVirt.Tests.Audit.Runs;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Api;

/// <summary>What the operator's view adds to the API: topology, audit files, events, metrics, the dashboard's files and the log.</summary>
public sealed class OperatorEndpointsTests
{
    private static Auditor JoinedAuditor(NetVirtStore store)
    {
        var topology = AuditTopology.FromModel(store.Load().Resolved, new LinuxNaming("nvt1"));
        var fabric = new FakeFabric(topology);
        fabric.Join(fabric.DomainIndex(topology.Endpoints.First(e => e.Zone == "acme-web1")), fabric.DomainIndex(topology.Endpoints.First(e => e.Zone == "globex-app1")));
        return new Auditor(store, fabric, fabric, "nvt1");
    }

    private static async Task StoreSampleAsync(ApiTestHost api)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, "/state") { Content = new StringContent(await File.ReadAllTextAsync(RepoPaths.MultiTenantSample), System.Text.Encoding.UTF8, "application/yaml") };
        var response = await api.Client.SendAsync(put);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<long> AuditAsync(ApiTestHost api)
    {
        var accepted = await api.Client.PostAsync("/audit", null);
        var id = (await ApiTestHost.BodyAsync(accepted)).GetProperty("id").GetInt64();
        Assert.Equal("succeeded", (await api.GetJsonAsync($"/audits/{id}?wait=30")).GetProperty("run").GetProperty("state").GetString());
        return id;
    }

    [Fact]
    public async Task Topology_JsonAndRenderings()
    {
        await using var api = await ApiTestHost.StartAsync(options: o => o with { Target = HostTarget.Linux, Prefix = "nvt1" });
        await StoreSampleAsync(api);
        var view = await api.GetJsonAsync("/topology");
        Assert.Contains(view.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("id").GetString() == "zone:acme-db1" && n.GetProperty("kind").GetString() == "zone");
        using var svg = await api.Client.GetAsync("/topology?format=svg");
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType!.MediaType);
        Assert.Contains("data-id=\"network:acme\"", await svg.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("digraph", await api.Client.GetStringAsync("/topology?format=dot"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.Client.GetAsync("/topology?format=png")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.NewClient(null).GetAsync("/topology")).StatusCode);
    }

    [Fact]
    public async Task AuditFiles_ListedFilesDownload_NothingElse()
    {
        await using var api = await ApiTestHost.StartAsync(options: o => o with { Target = HostTarget.Linux }, auditor: JoinedAuditor);
        await StoreSampleAsync(api);
        var id = await AuditAsync(api);
        var files = (await api.GetJsonAsync($"/audits/{id}/files")).EnumerateArray().ToList();
        Assert.Contains(files, f => f.GetProperty("path").GetString() == "report.json");
        var evidence = files.First(f => f.GetProperty("path").GetString()!.StartsWith("evidence/", StringComparison.Ordinal));
        using var download = await api.Client.GetAsync(evidence.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(evidence.GetProperty("size").GetInt64(), (await download.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.NewClient(null).GetAsync(evidence.GetProperty("url").GetString())).StatusCode);

        // The database sits two folders above the report; no spelling of a way out reaches it or anything else.
        foreach (var path in new[] { "../../db.sqlite", "..%2F..%2Fdb.sqlite", "%2e%2e/%2e%2e/db.sqlite", "evidence/../../../db.sqlite", "/etc/passwd", "%2Fetc%2Fpasswd", "evidence", "REPORT.JSON" })
        {
            using var response = await api.Client.GetAsync($"/audits/{id}/files/{path}");
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync($"/audits/{id + 100}/files/report.json")).StatusCode);
        var audits = await api.GetJsonAsync("/audits");
        Assert.Equal(id, audits[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Events_StreamRunsAndGenerations()
    {
        await using var api = await ApiTestHost.StartAsync(loopback: true);
        using var client = api.NewClient(ApiTestHost.ReadToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        async Task<(string Event, JsonElement Data)> NextAsync(string wanted)
        {
            string? type = null;
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == wanted)
                {
                    return (type, JsonDocument.Parse(line[6..]).RootElement.Clone());
                }
            }

            throw new InvalidOperationException("the stream ended");
        }

        Assert.Equal(0, (await NextAsync("generation")).Data.GetProperty("generation").GetInt64());
        await api.SeedAsync();
        Assert.True((await NextAsync("generation")).Data.GetProperty("generation").GetInt64() >= 1);
        await api.Client.PostAsync("/apply", null);
        var run = (await NextAsync("run")).Data;
        Assert.Equal("apply", run.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Metrics_PrometheusText_CoversRequestsRunsIpamAndFindings()
    {
        await using var api = await ApiTestHost.StartAsync(options: o => o with { Target = HostTarget.Linux }, auditor: JoinedAuditor);
        await StoreSampleAsync(api);
        await AuditAsync(api);
        await api.Client.GetAsync("/drift");
        await api.Client.GetAsync("/networks/acme");
        using var response = await api.NewClient(ApiTestHost.ReadToken).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("netvirt_http_requests_total{method=\"GET\",route=\"/networks/{name}\",status=\"200\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("netvirt_http_request_duration_seconds_bucket{method=\"GET\",route=\"/networks/{name}\"", text, StringComparison.Ordinal);
        Assert.Contains("netvirt_reconcile_runs_total{kind=\"audit\",outcome=\"findings\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("netvirt_reconcile_run_duration_seconds_count{kind=\"audit\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("netvirt_audit_findings{kind=\"LEAK\"}", text, StringComparison.Ordinal);
        Assert.Contains("netvirt_ipam_addresses{network=\"acme\",family=\"ipv4\",state=\"usable\"} 241", text, StringComparison.Ordinal);
        Assert.Contains("netvirt_ipam_utilisation_ratio{network=\"acme\",family=\"ipv4\"}", text, StringComparison.Ordinal);
        Assert.Contains("netvirt_desired_state_generation 1", text, StringComparison.Ordinal);
        Assert.Contains("netvirt_drift_items{kind=\"missing\"}", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.NewClient(null).GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Dashboard_ServedWithoutToken_StrictPolicy_OnlyItsFiles()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var anonymous = api.NewClient(null);
        using var page = await anonymous.GetAsync("/ui/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("<script src=\"app.js\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/ui/app.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/ui/secret.txt")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/ui/..%2Fhealthz")).StatusCode);
        // The page's own requests need the token like any other.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/runs")).StatusCode);
    }

    [Fact]
    public async Task Log_AccessLineForEveryRequest_NeverAToken()
    {
        using var db = new TempDatabase();
        var lines = new Captured();
        var tokens = new ApiTokens("write-SECRET-token-0123456789", "read-SECRET-token-9876543210");
        await using var app = ApiHost.Build(new ApiOptions { Database = NetVirt.Store.StoreLocation.Parse(db.Path), Urls = ["http://127.0.0.1:0"], Reconcile = new() { Mode = NetVirt.Api.Reconcile.ReconcileMode.Off } }, tokens,
            _ => Task.FromResult<NetVirt.Backends.Execution.IHostBackend>(new FakeHostBackend()),
            builder => builder.Logging.AddProvider(lines));
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        foreach (var (method, path, token) in new[]
        {
            ("GET", "/runs", tokens.Write), ("GET", "/runs", "wrong-SECRET-guess-abcdef"), ("POST", "/apply", tokens.Read),
            ("GET", "/networks?token=write-SECRET-token-0123456789", tokens.Write), ("GET", "/nothing-here", tokens.Write), ("GET", "/healthz", null),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (token is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }

            (await client.SendAsync(request)).Dispose();
        }

        await app.StopAsync();
        var all = lines.Text();
        Assert.DoesNotContain("SECRET", all, StringComparison.Ordinal);
        Assert.Contains("GET /runs 200", all, StringComparison.Ordinal);
        Assert.Contains("GET /runs 401", all, StringComparison.Ordinal);
        Assert.Contains("POST /apply 403", all, StringComparison.Ordinal);
        Assert.Contains("GET /networks 200", all, StringComparison.Ordinal);
        Assert.Contains("GET /nothing-here 404", all, StringComparison.Ordinal);
        Assert.Equal(6, lines.Count(ApiEventIds.Request));
    }

    [Fact]
    public async Task Log_Formats_HaveUtcTimestamps()
    {
        using var db = new TempDatabase();
        foreach (var format in new[] { NetVirt.Api.Observability.LogFormat.Text, NetVirt.Api.Observability.LogFormat.Json })
        {
            await using var app = ApiHost.Build(new ApiOptions { Database = NetVirt.Store.StoreLocation.Parse(db.Path), LogFormat = format, Reconcile = new() { Mode = NetVirt.Api.Reconcile.ReconcileMode.Off } }, ApiTokens.None,
                _ => Task.FromResult<NetVirt.Backends.Execution.IHostBackend>(new FakeHostBackend()));
            var console = app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
            Assert.Equal(format == NetVirt.Api.Observability.LogFormat.Json ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple, console.FormatterName);
            var formatter = format == NetVirt.Api.Observability.LogFormat.Json
                ? app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue
                : (ConsoleFormatterOptions)app.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
            Assert.True(formatter.UseUtcTimestamp);
            Assert.StartsWith("yyyy-MM-ddTHH:mm:ss.fffZ", formatter.TimestampFormat, StringComparison.Ordinal);
        }
    }

    private sealed class Captured : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(int EventId, string Line)> _lines = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public string Text() => string.Join("\n", _lines.Select(l => l.Line));

        public int Count(int eventId) => _lines.Count(l => l.EventId == eventId);

        public void Dispose()
        {
        }

        private sealed class Logger(Captured owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue((eventId.Id, $"{category} {formatter(state, exception)} {state} {exception}"));
        }
    }
}
