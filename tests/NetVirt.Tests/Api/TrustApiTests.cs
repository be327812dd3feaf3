using System.Net;
using System.Text.Json;
using NetVirt.Api.Reconcile;

namespace NetVirt.Tests.Api;

/// <summary>
/// The API with hostile bodies and racing writers: errors are 4xx problem documents, the server stays up, and nothing
/// a client was told (a 201 with an address) is changed behind its back.
/// </summary>
public sealed class TrustApiTests
{
    [Fact]
    public async Task PutStateDryRun_FiftyThousandNestedBrackets_Is422AndTheServerLives()
    {
        // The defect: PUT /state?dryRun=true with this body overflowed the stack and killed the server.
        await using var api = await ApiTestHost.StartAsync();
        using var content = new StringContent(new string('[', 50_000), System.Text.Encoding.UTF8, "application/yaml");

        using var response = await api.Client.PutAsync("/state?dryRun=true", content);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("document.too-deep", (await ApiTestHost.BodyAsync(response)).GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("ok", (await api.GetJsonAsync("/healthz")).GetProperty("status").GetString());
        using var vnic = await api.PostAsync("/vnics", "{\"zone\": \"z1\", \"network\": " + new string('[', 50_000));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, vnic.StatusCode);
    }

    [Fact]
    public async Task GetVnics_EmptyQueryValues_AreIgnored()
    {
        // The defect: GET /vnics?zone=&network= answered 500.
        await using var api = await ApiTestHost.StartAsync();
        await api.SeedAsync();
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/vnics", """{"zone": "c1", "network": "acme"}""")).StatusCode);

        Assert.Equal(1, (await api.GetJsonAsync("/vnics?zone=&network=")).GetArrayLength());
        Assert.Equal(1, (await api.GetJsonAsync("/vnics?zone=c1&network=")).GetArrayLength());
        Assert.Equal(0, (await api.GetJsonAsync("/reservations?network=")).GetArrayLength());
    }

    [Fact]
    public async Task GetIps_LeadingZeroAddress_Is422()
    {
        // The defect: GET /ips/10.100.0.010 answered for 10.100.0.8.
        await using var api = await ApiTestHost.StartAsync();
        using var response = await api.Client.GetAsync("/ips/10.100.0.010");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("without leading zeros", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostReservation_OverAHeldAddress_Is409NamingTheHolderAndChangesNothing()
    {
        await using var api = await ApiTestHost.StartAsync();
        await api.SeedAsync();
        var vnic = await ApiTestHost.BodyAsync(await api.PostAsync("/vnics", """{"zone": "c1", "network": "acme"}"""));
        var address = vnic.GetProperty("addresses")[0].GetString()!.Split('/')[0];
        var generation = (await api.GetJsonAsync("/healthz")).GetProperty("generation").GetInt64();

        using var response = await api.PostAsync("/reservations", $$"""{"network": "acme", "start": "10.100.0.5", "end": "{{address}}", "note": "lb"}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await ApiTestHost.BodyAsync(response);
        Assert.Equal("address.held", problem.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal($"{address}: zone 'c1' vnic 'net0' address 'v4'", problem.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(generation, (await api.GetJsonAsync("/healthz")).GetProperty("generation").GetInt64());
    }

    [Fact]
    public async Task ReservationsRacingVnicCreation_NeverTakeAnAddressAClientWasGiven()
    {
        // The defect: reservations racing with POST /vnics renumbered 19 VNICs whose addresses had been returned with 201.
        await using var api = await ApiTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/etherstubs", """{"name": "stub0"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/networks", """{"name": "big", "over": "stub0", "vlan": 7, "ipv4": {"subnet": "10.7.0.0/24", "gateway": "10.7.0.1"}}""")).StatusCode);

        var vnics = Enumerable.Range(0, 150).Select(async i =>
        {
            using var response = await api.PostAsync("/vnics", $$"""{"zone": "c{{i}}", "network": "big"}""");
            return (Kind: "vnic", response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        });
        var reservations = Enumerable.Range(2, 60).Select(async i =>
        {
            await Task.Delay(i % 7);
            using var response = await api.PostAsync("/reservations", $$"""{"network": "big", "address": "10.7.0.{{i}}", "note": "r{{i}}"}""");
            return (Kind: "reservation", response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        });
        var results = await Task.WhenAll(vnics.Concat(reservations));

        var created = results.Where(r => r.Kind == "vnic").ToList();
        Assert.All(created, r => Assert.True(r.StatusCode == HttpStatusCode.Created, r.Body));
        foreach (var (_, _, body) in created)
        {
            var given = JsonDocument.Parse(body).RootElement;
            var zone = given.GetProperty("zone").GetString();
            var now = await api.GetJsonAsync($"/vnics/{zone}/net0");
            Assert.Equal(given.GetProperty("addresses")[0].GetString(), now.GetProperty("addresses")[0].GetString());
        }

        var reserved = results.Where(r => r.Kind == "reservation").ToList();
        Assert.All(reserved, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.Body));
        Assert.All(reserved.Where(r => r.StatusCode == HttpStatusCode.Conflict), r => Assert.Contains("address.held", r.Body, StringComparison.Ordinal));
        Assert.Contains(reserved, r => r.StatusCode == HttpStatusCode.Conflict);
        foreach (var reservation in (await api.GetJsonAsync("/reservations?network=big")).EnumerateArray())
        {
            var holders = await api.GetJsonAsync($"/ips/{reservation.GetProperty("first").GetString()}");
            Assert.DoesNotContain(holders.EnumerateArray(), h => h.GetProperty("state").GetString() == "held");
        }
    }

    [Fact]
    public async Task PutState_EmptyDocumentOverAState_Is422UnlessAllowEmpty()
    {
        await using var api = await ApiTestHost.StartAsync();
        await api.SeedAsync();
        using (var empty = new StringContent("version: 1\n", System.Text.Encoding.UTF8, "application/yaml"))
        {
            using var refused = await api.Client.PutAsync("/state", empty);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("allowEmpty=true", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(1, (await api.GetJsonAsync("/networks")).GetArrayLength());
        using var again = new StringContent("version: 1\n", System.Text.Encoding.UTF8, "application/yaml");
        using var allowed = await api.Client.PutAsync("/state?allowEmpty=true", again);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(0, (await api.GetJsonAsync("/networks")).GetArrayLength());
    }

    [Fact]
    public async Task PostPlan_WithADocumentUnderReconcileAuto_StoresNothingAndAppliesNothing()
    {
        // The defect: `apply -f X --dry-run --server` stored X, and --reconcile auto then applied it.
        await using var api = await ApiTestHost.StartAsync(mode: ReconcileMode.Auto, zones: ["c1", "c2"]);
        await api.SeedAsync();
        await WaitIdleAsync(api);
        var generation = (await api.GetJsonAsync("/healthz")).GetProperty("generation").GetInt64();
        var state = await api.GetJsonAsync("/state");
        var before = Kinds(await api.GetJsonAsync("/runs"));
        var document = """
            etherstubs: [{ name: stub0 }]
            networks:
              - { name: acme, tenant: acme, over: stub0, vlan: 100, ipv4: { subnet: 10.100.0.0/24, gateway: 10.100.0.1, range: { start: 10.100.0.10, end: 10.100.0.250 } }, ipv6: { subnet: "fd10:100::/64", gateway: "fd10:100::1" } }
            zones:
              - { name: c1, vnics: [{ name: net0, network: acme, addresses: [{ tag: v4, address: auto, family: ipv4 }] }] }
              - { name: c2, vnics: [{ name: net0, network: acme, addresses: [{ tag: v4, address: auto, family: ipv4 }] }] }
            """;
        using var content = new StringContent(document, System.Text.Encoding.UTF8, "application/yaml");

        using var response = await api.Client.PostAsync("/plan", content);

        var preview = await ApiTestHost.BodyAsync(response);
        Assert.True(response.IsSuccessStatusCode, preview.ToString());
        Assert.Equal(["10.100.0.10/24", "10.100.0.11/24"], preview.GetProperty("allocations").EnumerateArray().Select(a => a.GetProperty("addresses")[0].GetString()));
        Assert.True(preview.GetProperty("plan").GetProperty("plan").GetProperty("steps").GetArrayLength() > 0);
        await WaitIdleAsync(api);
        Assert.Equal(generation, (await api.GetJsonAsync("/healthz")).GetProperty("generation").GetInt64());
        Assert.Equal(state.ToString(), (await api.GetJsonAsync("/state")).ToString());
        var after = Kinds(await api.GetJsonAsync("/runs"));
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Equal(before.Count(k => k == "apply"), after.Count(k => k == "apply"));
        Assert.Equal(before.Count(k => k == "plan") + 1, after.Count(k => k == "plan"));
    }

    private static List<string?> Kinds(JsonElement runs) => [.. runs.EnumerateArray().Select(r => r.GetProperty("kind").GetString())];

    [Fact]
    public async Task Healthz_NamesTheDeployment()
    {
        await using var api = await ApiTestHost.StartAsync();
        Assert.Equal(NetVirt.Tests.Support.TempDatabase.ZeroDeployment, (await api.GetJsonAsync("/healthz")).GetProperty("deployment-id").GetString());
    }

    private static async Task WaitIdleAsync(ApiTestHost api)
    {
        for (var i = 0; i < 200; i++)
        {
            var reconcile = (await api.GetJsonAsync("/healthz")).GetProperty("reconcile");
            if (reconcile.GetProperty("state").GetString() == "idle" && reconcile.GetProperty("queued").GetInt32() == 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("the reconcile service did not settle");
    }
}
