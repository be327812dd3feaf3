using System.Net;
using System.Text.Json;
using NetVirt.Api.Reconcile;
using NetVirt.Documents;

namespace NetVirt.Tests.Api;

/// <summary>Every resource endpoint on a real SQLite file: what it returns, and each error shape.</summary>
public sealed class ResourceEndpointsTests : IAsyncLifetime
{
    private ApiTestHost _api = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiTestHost.StartAsync();
        await _api.SeedAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, params string[] codes)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        if (codes.Length > 0)
        {
            var errors = problem.GetProperty("errors").EnumerateArray().ToList();
            Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString())));
            Assert.Equal(codes.Order(StringComparer.Ordinal), errors.Select(e => e.GetProperty("code").GetString()!).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Etherstubs_CreateListGetDelete()
    {
        Assert.Equal(HttpStatusCode.Created, (await _api.PostAsync("/etherstubs", """{"name": "stub1", "mtu": 9000}""")).StatusCode);
        var list = await _api.GetJsonAsync("/etherstubs");
        Assert.Equal(["stub0", "stub1"], list.EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        Assert.Equal(9000, (await _api.GetJsonAsync("/etherstubs/stub1")).GetProperty("mtu").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await _api.Client.DeleteAsync("/etherstubs/stub1")).StatusCode);
        await AssertProblemAsync(await _api.Client.GetAsync("/etherstubs/stub1"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Etherstubs_DeleteUsedByNetwork_Is409WithTheDependents()
    {
        await AssertProblemAsync(await _api.Client.DeleteAsync("/etherstubs/stub0"), HttpStatusCode.Conflict, "ref.unknown-lower");
    }

    [Fact]
    public async Task Networks_PostWithManyMistakes_Is422WithEveryErrorAndItsBodyPath()
    {
        var response = await _api.PostAsync("/networks", """{"name": "bad", "over": "nostub", "vlan": 5000, "colour": 1, "ipv4": {"subnet": "10.9.0.0/24", "gateway": "10.8.0.1"}}""");
        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "gateway.outside-subnet", "key.unknown", "ref.unknown-lower", "vlan.out-of-range");
        var paths = (await ApiTestHost.BodyAsync(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains("$.vlan", paths);
        Assert.Contains("$.colour", paths);
        Assert.Contains("$.ipv4.gateway", paths);
        Assert.Equal(1, (await _api.GetJsonAsync("/state")).GetProperty("networks").GetArrayLength()); // nothing stored
    }

    [Fact]
    public async Task Networks_NameTaken_Is409_AndUnknownIs404()
    {
        await AssertProblemAsync(await _api.PostAsync("/networks", """{"name": "acme", "over": "stub0", "vlan": 200}"""), HttpStatusCode.Conflict);
        await AssertProblemAsync(await _api.Client.GetAsync("/networks/nope"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await _api.Client.GetAsync("/networks/nope/ips/free"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Networks_PutWithStaleIfMatch_Is412_AndWithCurrentGenerationReplaces()
    {
        using var get = await _api.Client.GetAsync("/networks/acme");
        var etag = get.Headers.ETag!.Tag;
        var network = System.Text.Json.Nodes.JsonNode.Parse(await get.Content.ReadAsStringAsync())!.AsObject();
        network["description"] = "tenant acme";
        var body = network.ToJsonString();
        Assert.Equal(HttpStatusCode.Created, (await _api.PostAsync("/etherstubs", """{"name": "stub9"}""")).StatusCode); // moves the generation on

        using var stale = new HttpRequestMessage(HttpMethod.Put, "/networks/acme") { Content = ApiTestHost.Json(body) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await AssertProblemAsync(await _api.Client.SendAsync(stale), HttpStatusCode.PreconditionFailed);

        using var current = new HttpRequestMessage(HttpMethod.Put, "/networks/acme") { Content = ApiTestHost.Json(body) };
        current.Headers.TryAddWithoutValidation("If-Match", (await _api.Client.GetAsync("/networks/acme")).Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, (await _api.Client.SendAsync(current)).StatusCode);
        Assert.Equal("tenant acme", (await _api.GetJsonAsync("/networks/acme")).GetProperty("description").GetString());
    }

    [Fact]
    public async Task Lists_NetworksPoolsZonesVnicsState_AndDeleteOfAnUnusedNetwork()
    {
        Assert.Equal(HttpStatusCode.Created, (await _api.PostAsync("/networks", """{"name": "spare", "over": "stub0", "vlan": 300, "ipv4": {"subnet": "10.30.0.0/24"}}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _api.PostAsync("/pools", """{"name": "pool1", "networks": ["acme", "spare"]}""")).StatusCode);
        await _api.PostAsync("/vnics", """{"zone": "web1", "network": "acme"}""");

        var networks = await _api.GetJsonAsync("/networks");
        Assert.Equal(["acme", "spare"], networks.EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        Assert.Equal(1, networks[0].GetProperty("vnics").GetInt32());
        Assert.Equal(100, networks[0].GetProperty("vlan").GetInt32());
        Assert.Equal(["acme", "spare"], (await _api.GetJsonAsync("/pools"))[0].GetProperty("networks").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal("web1", (await _api.GetJsonAsync("/zones/web1")).GetProperty("zone").GetProperty("name").GetString());
        Assert.Equal("web1", (await _api.GetJsonAsync("/vnics"))[0].GetProperty("zone").GetString());
        Assert.Equal(0, (await _api.GetJsonAsync("/vnics?network=spare")).GetArrayLength());
        var resolved = await _api.GetJsonAsync("/state?resolved=true");
        Assert.Matches("^02:08:20:", resolved.GetProperty("zones")[0].GetProperty("vnics")[0].GetProperty("mac").GetString());
        Assert.Equal("auto", (await _api.GetJsonAsync("/state")).GetProperty("zones")[0].GetProperty("vnics")[0].GetProperty("mac").GetString());

        await AssertProblemAsync(await _api.Client.DeleteAsync("/networks/spare"), HttpStatusCode.Conflict, "ref.unknown-network"); // the pool lists it
        Assert.Equal(HttpStatusCode.OK, (await _api.Client.DeleteAsync("/pools/pool1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _api.Client.DeleteAsync("/networks/spare")).StatusCode);
        await AssertProblemAsync(await _api.Client.GetAsync("/networks/spare"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Networks_IpViews_UsedFreeNextAndWho()
    {
        await _api.PostAsync("/vnics", """{"zone": "web1", "network": "acme"}""");
        var ips = await _api.GetJsonAsync("/networks/acme/ips");
        Assert.Equal(1, ips.GetProperty("usage")[0].GetProperty("used").GetInt32());
        Assert.Contains(ips.GetProperty("addresses").EnumerateArray(), a => a.GetProperty("address").GetString() == "10.100.0.10" && a.GetProperty("zone").GetString() == "web1");

        var free = await _api.GetJsonAsync("/networks/acme/ips/free?family=ipv4");
        Assert.Equal("10.100.0.11", free[0].GetProperty("first").GetString());
        Assert.Equal("10.100.0.250", free[0].GetProperty("last").GetString());
        var next = await _api.GetJsonAsync("/networks/acme/ips/next");
        Assert.Equal(["10.100.0.11", "fd10:100::3"], next.EnumerateArray().Select(n => n.GetProperty("next").GetString()));
        var who = await _api.GetJsonAsync("/ips/10.100.0.10");
        Assert.Equal("web1", who[0].GetProperty("zone").GetString());
        Assert.Equal("acme", (await _api.GetJsonAsync("/ips"))[0].GetProperty("network").GetString());
        await AssertProblemAsync(await _api.Client.GetAsync("/networks/acme/ips/free?family=ipv5"), HttpStatusCode.UnprocessableEntity, "value.invalid-family");
        await AssertProblemAsync(await _api.Client.GetAsync("/ips/not-an-ip"), HttpStatusCode.UnprocessableEntity, "value.invalid-address");
    }

    [Fact]
    public async Task Pools_CreateThenVnicOnPool_TakesTheFirstNetworkWithRoom()
    {
        Assert.Equal(HttpStatusCode.Created, (await _api.PostAsync("/pools", """{"name": "acme-pool", "networks": ["acme"]}""")).StatusCode);
        Assert.Equal("acme", (await _api.GetJsonAsync("/pools/acme-pool")).GetProperty("networks")[0].GetString());
        var vnic = await ApiTestHost.BodyAsync(await _api.PostAsync("/vnics", """{"zone": "p1", "pool": "acme-pool"}"""));
        Assert.Equal("acme", vnic.GetProperty("network").GetString());
        var inUse = await _api.Client.DeleteAsync("/pools/acme-pool");
        await AssertProblemAsync(inUse, HttpStatusCode.Conflict);
        Assert.Contains((await ApiTestHost.BodyAsync(inUse)).GetProperty("errors").EnumerateArray(), e => e.GetProperty("code").GetString() == "ref.unknown-pool");
        await AssertProblemAsync(await _api.PostAsync("/pools", """{"name": "p2", "networks": ["nope"]}"""), HttpStatusCode.UnprocessableEntity, "ref.unknown-network");
    }

    [Fact]
    public async Task Vnics_Create_ReturnsNameMacAndAddresses_AndDefaultsNamesPerZone()
    {
        var first = await _api.PostAsync("/vnics", """{"zone": "web1", "network": "acme"}""");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("/vnics/web1/net0", first.Headers.Location!.OriginalString);
        var body = await ApiTestHost.BodyAsync(first);
        Assert.Equal("net0", body.GetProperty("vnic").GetString());
        Assert.Matches("^02:08:20:", body.GetProperty("mac").GetString());
        Assert.Equal(["10.100.0.10/24", "fd10:100::2/64"], body.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));

        var second = await ApiTestHost.BodyAsync(await _api.PostAsync("/vnics", """{"zone": "web1", "network": "acme", "maxbw": "100M"}"""));
        Assert.Equal("net1", second.GetProperty("vnic").GetString());
        Assert.Equal("100M", second.GetProperty("maxbw").GetString());
        Assert.Equal(2, (await _api.GetJsonAsync("/vnics?zone=web1")).GetArrayLength());
        Assert.Equal("net1", (await _api.GetJsonAsync("/vnics/web1/net1")).GetProperty("vnic").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _api.Client.DeleteAsync("/vnics/web1/net1")).StatusCode);
        await AssertProblemAsync(await _api.Client.GetAsync("/vnics/web1/net1"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Vnics_Mistakes_Are422WithBodyPaths_AndTakenAddressIs409()
    {
        var bad = await _api.PostAsync("/vnics", """{"network": "nope", "mac": "zz", "maxbw": "1K"}""");
        await AssertProblemAsync(bad, HttpStatusCode.UnprocessableEntity, "key.missing", "value.invalid-mac");
        var semantic = await _api.PostAsync("/vnics", """{"zone": "z", "network": "nope", "maxbw": "1K"}""");
        await AssertProblemAsync(semantic, HttpStatusCode.UnprocessableEntity, "maxbw.too-low", "ref.unknown-network");
        Assert.Contains((await ApiTestHost.BodyAsync(semantic)).GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == "$.maxbw");

        Assert.Equal(HttpStatusCode.Created, (await _api.PostAsync("/vnics", """{"zone": "a", "network": "acme", "addresses": [{"tag": "v4", "address": "10.100.0.50"}]}""")).StatusCode);
        await AssertProblemAsync(await _api.PostAsync("/vnics", """{"zone": "b", "network": "acme", "addresses": [{"tag": "v4", "address": "10.100.0.50"}]}"""), HttpStatusCode.Conflict);
        await AssertProblemAsync(await _api.PostAsync("/vnics", """{"zone": "a", "name": "net0", "network": "acme"}"""), HttpStatusCode.Conflict);
        await AssertProblemAsync(await _api.PostAsync("/vnics", """{"zone": "a", "network": "acme" """), HttpStatusCode.UnprocessableEntity, "yaml.syntax");
    }

    [Fact]
    public async Task Zones_CreateGetListDelete_ReleasesAddresses()
    {
        var created = await _api.PostAsync("/zones", """{"name": "db1", "vnics": [{"name": "net0", "network": "acme", "addresses": [{"tag": "v4", "address": "auto", "family": "ipv4"}]}]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var zone = await ApiTestHost.BodyAsync(created);
        Assert.Equal("auto", zone.GetProperty("zone").GetProperty("vnics")[0].GetProperty("mac").GetString());
        Assert.Equal("10.100.0.10/24", zone.GetProperty("vnics")[0].GetProperty("addresses")[0].GetString());
        Assert.Equal("db1", (await _api.GetJsonAsync("/zones"))[0].GetProperty("name").GetString());
        await AssertProblemAsync(await _api.PostAsync("/zones", """{"name": "db1", "vnics": []}"""), HttpStatusCode.Conflict);
        await AssertProblemAsync(await _api.PostAsync("/zones", """{"name": "bad zone!", "vnics": [{"name": "net0", "network": "acme", "vlan": 7}]}"""), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(HttpStatusCode.OK, (await _api.Client.DeleteAsync("/zones/db1")).StatusCode);
        Assert.Equal("released", (await _api.GetJsonAsync("/networks/acme/ips")).GetProperty("addresses")[0].GetProperty("state").GetString());
        await AssertProblemAsync(await _api.Client.DeleteAsync("/zones/db1"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reservations_CreateListDelete_AndAllocationSkipsThem()
    {
        Assert.Equal(HttpStatusCode.Created, (await _api.PostAsync("/reservations", """{"network": "acme", "start": "10.100.0.10", "end": "10.100.0.12", "note": "VIPs"}""")).StatusCode);
        var list = await _api.GetJsonAsync("/reservations?network=acme");
        Assert.Equal("10.100.0.10-10.100.0.12", list[0].GetProperty("range").GetString());
        var vnic = await ApiTestHost.BodyAsync(await _api.PostAsync("/vnics", """{"zone": "r1", "network": "acme", "addresses": [{"tag": "v4", "family": "ipv4"}]}"""));
        Assert.Equal("10.100.0.13/24", vnic.GetProperty("addresses")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await _api.Client.DeleteAsync("/reservations/acme/10.100.0.10-10.100.0.12")).StatusCode);
        Assert.Equal(0, (await _api.GetJsonAsync("/reservations")).GetArrayLength());
        await AssertProblemAsync(await _api.PostAsync("/reservations", """{"start": "10.100.0.10"}"""), HttpStatusCode.UnprocessableEntity, "key.missing", "reservation.shape");
        await AssertProblemAsync(await _api.PostAsync("/reservations", """{"network": "acme", "address": "10.200.0.1"}"""), HttpStatusCode.UnprocessableEntity);
        await AssertProblemAsync(await _api.Client.DeleteAsync("/reservations/acme/10.100.0.99"), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task State_GetYamlRoundTrips_PutReplaces_DryRunValidatesOnly()
    {
        await _api.PostAsync("/vnics", """{"zone": "web1", "network": "acme"}""");
        using var yaml = new HttpRequestMessage(HttpMethod.Get, "/state");
        yaml.Headers.Accept.ParseAdd("application/yaml");
        var text = await (await _api.Client.SendAsync(yaml)).Content.ReadAsStringAsync();
        var loaded = DocumentLoader.Load("state", text);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        Assert.Single(loaded.Model.Zones);

        var document = text.Replace("name: web1", "name: web2", StringComparison.Ordinal);
        using var dry = new HttpRequestMessage(HttpMethod.Put, "/state?dryRun=true") { Content = new StringContent(document, System.Text.Encoding.UTF8, "application/yaml") };
        Assert.False((await ApiTestHost.BodyAsync(await _api.Client.SendAsync(dry))).GetProperty("changed").GetBoolean());
        Assert.Equal("web1", (await _api.GetJsonAsync("/zones"))[0].GetProperty("name").GetString());

        using var put = new HttpRequestMessage(HttpMethod.Put, "/state") { Content = new StringContent(document, System.Text.Encoding.UTF8, "application/yaml") };
        Assert.True((await ApiTestHost.BodyAsync(await _api.Client.SendAsync(put))).GetProperty("changed").GetBoolean());
        Assert.Equal("web2", (await _api.GetJsonAsync("/zones"))[0].GetProperty("name").GetString());

        var bad = document.Replace("vlan: 100", "vlan: 5000", StringComparison.Ordinal) + "\nbogus: 1\n";
        using var invalid = new HttpRequestMessage(HttpMethod.Put, "/state") { Content = new StringContent(bad, System.Text.Encoding.UTF8, "application/yaml") };
        await AssertProblemAsync(await _api.Client.SendAsync(invalid), HttpStatusCode.UnprocessableEntity, "key.unknown", "vlan.out-of-range");
    }

    [Fact]
    public async Task Errors_UnknownRoute404_WrongMethod405_BodyTooLarge413_AsProblems()
    {
        await AssertProblemAsync(await _api.Client.GetAsync("/no-such-thing"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await _api.Client.PutAsync("/etherstubs", ApiTestHost.Json("{}")), HttpStatusCode.MethodNotAllowed);
        var huge = "{\"name\": \"stub5\", \"description\": \"" + new string('x', 2 * 1024 * 1024) + "\"}";
        await AssertProblemAsync(await _api.PostAsync("/etherstubs", huge), HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(await _api.PostAsync("/etherstubs", ""), HttpStatusCode.UnprocessableEntity, "body.empty");
    }

    [Fact]
    public async Task Health_ShowsGenerationAndReconcileState()
    {
        var health = await _api.GetJsonAsync("/healthz");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(2, health.GetProperty("generation").GetInt64());
        Assert.Equal("off", health.GetProperty("reconcile").GetProperty("mode").GetString());
        Assert.Equal("idle", health.GetProperty("reconcile").GetProperty("state").GetString());
    }
}

/// <summary>Errors that need their own server: a busy store, an unexpected exception.</summary>
public sealed class ApiFailureTests
{
    [Fact]
    public async Task StoreLockedByAnotherProcess_Is503WithRetryAfter()
    {
        await using var api = await ApiTestHost.StartAsync(options: o => o with { BusyTimeout = TimeSpan.FromMilliseconds(50) });
        await api.SeedAsync();
        using (var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={api.Database.Path};Pooling=False"))
        {
            holder.Open();
            using var lockIt = holder.CreateCommand();
            lockIt.CommandText = "BEGIN IMMEDIATE";
            lockIt.ExecuteNonQuery();
            var response = await api.PostAsync("/etherstubs", """{"name": "stub1"}""");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/etherstubs", """{"name": "stub1"}""")).StatusCode);
    }

    [Fact]
    public async Task UnexpectedException_Is500WithTraceIdOnly()
    {
        await using var api = await ApiTestHost.StartAsync(beforeStart: app =>
            Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(app, "/boom", (Func<string>)(() => throw new InvalidOperationException("secret internal detail"))));
        var response = await api.Client.GetAsync("/boom");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("secret internal detail", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.Contains("trace", text, StringComparison.Ordinal);
    }
}
