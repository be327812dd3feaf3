using System.Net;
using System.Text.Json;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Api;

/// <summary>Hosts through the API on both engines: listing, slices with VNIs, agent reports with explicit restarts, one agent per host, the doorbell.</summary>
public sealed class HostEndpointsTests
{
    private const string Document =
        """
        {"version":1,
         "hosts":[{"name":"h1","address":"172.31.255.1"},{"name":"h2","address":"172.31.255.2"}],
         "etherstubs":[{"name":"stub0"}],
         "networks":[{"name":"net","tenant":"acme","over":"stub0","vlan":100,"ipv4":{"subnet":"10.1.0.0/24","gateway":"10.1.0.1"}}],
         "zones":[{"name":"z1","host":"h1","vnics":[{"name":"net0","network":"net","addresses":[{"tag":"v4","address":"auto"}]}]},
                  {"name":"z2","vnics":[{"name":"net0","network":"net","addresses":[{"tag":"v4","address":"auto"}]}]}]}
        """;

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public async Task Hosts_SliceReportsAndDoorbell_WorkOnEitherEngine(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        db.Open();
        await using var api = await ApiTestHost.StartAsync(options: o => o with { Database = StoreLocation.Parse(db.Location), Target = HostTarget.Linux });
        using (var put = await api.Client.PutAsync("/state", ApiTestHost.Json(Document)))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var hosts = await api.GetJsonAsync("/hosts");
        Assert.Equal(["h1", "h2"], hosts.EnumerateArray().Select(h => h.GetProperty("name").GetString()));
        // z2 named no host: placed on the least-loaded one.
        Assert.Equal([1, 1], hosts.EnumerateArray().Select(h => h.GetProperty("zones").GetInt32()));

        var slice = await api.GetJsonAsync("/hosts/h2/slice");
        Assert.Equal("z2", slice.GetProperty("document").GetProperty("zones")[0].GetProperty("name").GetString());
        var overlay = slice.GetProperty("overlay")[0];
        Assert.True(overlay.GetProperty("vni").GetInt32() >= 1);
        Assert.Equal("z1", overlay.GetProperty("remote")[0].GetProperty("zone").GetString());
        Assert.Equal("172.31.255.1", overlay.GetProperty("remote")[0].GetProperty("host-address").GetString());
        var generation = slice.GetProperty("generation").GetInt64();
        var server = slice.GetProperty("server").GetString();

        // Reports: a new boot id is a restart, counted; another agent for the same host is refused while the first is alive.
        Assert.Equal(HttpStatusCode.OK, await ReportAsync(api, "h1", "agent-a", "boot-1", generation));
        Assert.Equal(HttpStatusCode.OK, await ReportAsync(api, "h1", "agent-a", "boot-2", generation));
        Assert.Equal(HttpStatusCode.Conflict, await ReportAsync(api, "h1", "agent-b", "boot-9", generation));
        Assert.Equal(HttpStatusCode.NotFound, await ReportAsync(api, "h9", "agent-a", "boot-1", generation));
        var h1 = await api.GetJsonAsync("/hosts/h1");
        var agent = h1.GetProperty("host").GetProperty("agent");
        Assert.Equal(1, agent.GetProperty("restarts").GetInt64());
        Assert.True(agent.GetProperty("converged").GetBoolean());
        Assert.Equal("drift-free", h1.GetProperty("report").GetProperty("note").GetString());

        // The doorbell: nothing changes, it answers after the wait; a write wakes it at once.
        var quiet = await api.GetJsonAsync($"/changes?since={generation}&wait=0");
        Assert.Equal(generation, quiet.GetProperty("generation").GetInt64());
        Assert.Equal(server, quiet.GetProperty("server").GetString());
        var waiting = api.GetJsonAsync($"/changes?since={generation}&wait=30");
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        // Another process-like writer (its own store): on PostgreSQL the server hears it by NOTIFY, on SQLite by its poll.
        var other = NetVirtStore.Open(db.Location);
        other.AddZone(other.LoadZone("z1").Authored.Zones[0] with { Name = "z3", Host = "h2" }, HostTarget.Linux);
        var woke = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(generation + 1, woke.GetProperty("generation").GetInt64());
    }

    private static async Task<HttpStatusCode> ReportAsync(ApiTestHost api, string host, string agent, string boot, long generation)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["agent-id"] = agent, ["boot-id"] = boot, ["generation"] = generation, ["state"] = "converged", ["report"] = new { note = "drift-free" },
        });
        using var response = await api.Client.PutAsync($"/hosts/{host}/report", ApiTestHost.Json(body));
        return response.StatusCode;
    }
}
