using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using NetVirt.Api;
using NetVirt.Api.Reconcile;
using NetVirt.Api.Security;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Illumos;
using NetVirt.Model.Validation;
using NetVirt.Tests.Backends.Illumos;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Api;

/// <summary>
/// The API in the ASP.NET test host over a real SQLite file, with a simulated illumos host behind the reconcile
/// service (or any backend the test gives). <see cref="Client"/> carries the write token unless told otherwise.
/// </summary>
public sealed class ApiTestHost : IAsyncDisposable
{
    public const string WriteToken = "write-token-for-tests";
    public const string ReadToken = "read-token-for-tests";

    private ApiTestHost(TempDatabase database, WebApplication app, SimulatedIllumosHost host)
    {
        Database = database;
        App = app;
        Host = host;
        Client = NewClient(WriteToken);
    }

    public TempDatabase Database { get; }

    public WebApplication App { get; }

    /// <summary>The simulated illumos host the default backend drives.</summary>
    public SimulatedIllumosHost Host { get; }

    public HttpClient Client { get; }

    public static async Task<ApiTestHost> StartAsync(
        ApiTokens? tokens = null, ReconcileMode mode = ReconcileMode.Off, Func<CancellationToken, Task<IHostBackend>>? backend = null,
        Func<ApiOptions, ApiOptions>? options = null, Action<WebApplication>? beforeStart = null, IEnumerable<string>? zones = null, bool loopback = false,
        Func<NetVirt.Store.NetVirtStore, NetVirt.Reconciliation.Auditing.Auditor>? auditor = null)
    {
        var database = new TempDatabase();
        // The database exists before the server opens it, with the deployment id whose MACs start at 02:08:20:00:00:00.
        database.Open(deploymentId: TempDatabase.ZeroDeployment);
        var host = SimulatedIllumosHost.Create(IllumosVariant.SmartOs);
        foreach (var zone in zones ?? [])
        {
            host.AddZone(zone);
        }

        var apiOptions = new ApiOptions
        {
            Database = NetVirt.Store.StoreLocation.Parse(database.Path),
            Target = HostTarget.Illumos,
            Reconcile = new ReconcileOptions { Mode = mode, Debounce = TimeSpan.FromMilliseconds(20), BackoffBase = TimeSpan.FromMilliseconds(50) },
            // Port 0: the kernel picks a free loopback port (read back from app.Urls).
            Urls = ["http://127.0.0.1:0"],
        };
        apiOptions = options?.Invoke(apiOptions) ?? apiOptions;
        var app = ApiHost.Build(apiOptions, tokens ?? new ApiTokens(WriteToken, ReadToken),
            backend ?? (_ => Task.FromResult<IHostBackend>(new IllumosBackend(host, new IllumosBackendOptions { Variant = IllumosVariant.SmartOs }))),
            builder =>
            {
                if (!loopback)
                {
                    builder.WebHost.UseTestServer();
                }
            }, auditor: auditor);
        beforeStart?.Invoke(app);
        await app.StartAsync();
        return new ApiTestHost(database, app, host);
    }

    /// <summary>The server's address when it listens on loopback (<c>loopback: true</c>).</summary>
    public string Url => App.Urls.First();

    public HttpClient NewClient(string? token)
    {
        var client = App.Urls.Count > 0 && App.Urls.First() is var url && !url.EndsWith(":0", StringComparison.Ordinal) && !IsTestServer(App)
            ? new HttpClient { BaseAddress = new Uri(url) }
            : App.GetTestClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static bool IsTestServer(WebApplication app) =>
        app.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer)) is TestServer;

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async Task<HttpResponseMessage> PostAsync(string path, string json) => await Client.PostAsync(path, Json(json));

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>A small infrastructure: etherstub stub0, network acme (VLAN 100, IPv4 /24 and IPv6 /64).</summary>
    public async Task SeedAsync()
    {
        Assert.Equal(System.Net.HttpStatusCode.Created, (await PostAsync("/etherstubs", """{"name": "stub0"}""")).StatusCode);
        var network = await PostAsync("/networks", """
            {"name": "acme", "tenant": "acme", "over": "stub0", "vlan": 100,
             "ipv4": {"subnet": "10.100.0.0/24", "gateway": "10.100.0.1", "range": {"start": "10.100.0.10", "end": "10.100.0.250"}},
             "ipv6": {"subnet": "fd10:100::/64", "gateway": "fd10:100::1"}}
            """);
        Assert.True(network.StatusCode == System.Net.HttpStatusCode.Created, await network.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Database.Dispose();
    }
}
