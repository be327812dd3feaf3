using Dapper;
using NetVirt.Bench.Ipam;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Ipam;

/// <summary>
/// Eight processes allocate 500 addresses each against one SQLite file at the same time: every allocation must
/// land, and no address or MAC may be handed out twice.
/// </summary>
public sealed class MultiProcessAllocationTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Allocate_EightProcessesFiveHundredEach_NoDuplicatesNoLoss()
    {
        const int workers = 8;
        const int perWorker = 500;
        var store = _db.Open();
        store.Replace(new NetworkModel
        {
            Etherstubs = [new EtherstubSpec { Name = "stub0" }],
            Networks = [new NetworkSpec { Name = "n1", Over = "stub0", Vlan = 10, Ipv4 = new SubnetSpec { Subnet = System.Net.IPNetwork.Parse("10.0.0.0/16") } }],
        }, HostTarget.Linux);

        await IpamBenchmark.RunWorkersAsync(_db.Path, workers, perWorker, CancellationToken.None);

        using var c = store.Database.OpenConnection();
        Assert.Equal(workers * perWorker, c.ExecuteScalar<long>("SELECT count(*) FROM zones"));
        Assert.Equal(workers * perWorker, c.ExecuteScalar<long>("SELECT count(*) FROM ip_addresses WHERE addrobj_id IS NOT NULL"));
        Assert.Equal(workers * perWorker, c.ExecuteScalar<long>("SELECT count(DISTINCT address) FROM ip_addresses"));
        Assert.Equal(workers * perWorker, c.ExecuteScalar<long>("SELECT count(DISTINCT mac) FROM vnics"));
        Assert.Equal("ok", c.ExecuteScalar<string>("PRAGMA integrity_check"));
        Assert.Empty(c.Query("PRAGMA foreign_key_check"));

        // Never-used first, so the addresses are exactly the lowest 4,000 of the range.
        var resolved = store.Load().Resolved;
        var values = resolved.Zones.Select(z => NetVirt.Model.Addressing.IpAddressMath.ToUInt128(z.Vnics[0].Addresses[0].Address!)).Order().ToList();
        Assert.Equal(NetVirt.Model.Addressing.IpAddressMath.ToUInt128(Models.Ip("10.0.0.1")), values[0]);
        Assert.Equal(values[0] + workers * perWorker - 1, values[^1]);
    }
}
