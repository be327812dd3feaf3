using System.Net;
using Dapper;
using Microsoft.Data.Sqlite;

namespace NetVirt.Tests.Api;

/// <summary>Many orchestrator requests at once: every VNIC gets its own address and MAC, and the store stays whole.</summary>
public sealed class ConcurrentVnicTests
{
    [Fact]
    public async Task FiveHundredParallelCreations_OneNetwork_DistinctAddressesAndMacs_IntegrityOk()
    {
        await using var api = await ApiTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/etherstubs", """{"name": "stub0"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/networks", """{"name": "big", "over": "stub0", "vlan": 7, "ipv4": {"subnet": "10.7.0.0/22", "gateway": "10.7.0.1"}}""")).StatusCode);

        // Half the requests name a zone that another request also creates: both must end up in the one zone.
        var responses = await Task.WhenAll(Enumerable.Range(0, 500).Select(async i =>
        {
            using var response = await api.PostAsync("/vnics", $$"""{"zone": "c{{(i < 250 ? i : i - 250)}}", "network": "big"}""");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, r => Assert.True(r.StatusCode == HttpStatusCode.Created, r.Body));
        var vnics = responses.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(500, vnics.Select(v => v.GetProperty("mac").GetString()).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(500, vnics.Select(v => v.GetProperty("addresses")[0].GetString()).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(500, vnics.Select(v => $"{v.GetProperty("zone").GetString()}/{v.GetProperty("vnic").GetString()}").Distinct(StringComparer.Ordinal).Count());

        using var connection = new SqliteConnection($"Data Source={api.Database.Path};Pooling=False");
        connection.Open();
        Assert.Equal("ok", connection.ExecuteScalar<string>("PRAGMA integrity_check"));
        Assert.Empty(connection.Query("PRAGMA foreign_key_check"));
        Assert.Equal(500, connection.ExecuteScalar<long>("SELECT count(DISTINCT mac) FROM vnics"));
        Assert.Equal(500, connection.ExecuteScalar<long>("SELECT count(*) FROM ip_addresses WHERE addrobj_id IS NOT NULL"));
        Assert.Equal(250, connection.ExecuteScalar<long>("SELECT count(*) FROM zones"));
        Assert.Equal(500, (await api.GetJsonAsync("/networks/big/ips")).GetProperty("usage")[0].GetProperty("used").GetInt32());
    }
}
