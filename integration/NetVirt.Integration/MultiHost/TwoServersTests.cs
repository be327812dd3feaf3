using System.Text.Json;
using NetVirt.Bench.MultiHost;
using NetVirt.Integration.Infrastructure;

namespace NetVirt.Integration.MultiHost;

/// <summary>Two API servers on one PostgreSQL database, with clients on both creating VNICs at once.</summary>
[Collection(HostCollection.Name)]
public sealed class TwoServersTests
{
    [MultiHostFact]
    public async Task TwoServers_1000VnicsConcurrently_NoAddressOrMacTwice()
    {
        await using var lab = await MultiHostLab.StartAsync(start: false);
        await lab.StartServerAsync(MultiHostLab.Port);
        await lab.StartServerAsync(MultiHostLab.Port + 1);
        using var second = lab.NewClient(MultiHostLab.ServerUrlOn(MultiHostLab.Port + 1));
        await ConcurrentVnics.AddNetworkAsync(lab.Client, "big", 100, "10.50.0.0/20");

        var outcome = await ConcurrentVnics.RunAsync([lab.Client, second], clientsPerServer: 16, total: 1000, "big", "c");

        Assert.Equal(1000, outcome.Vnics.Select(v => v.Mac).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1000, outcome.Vnics.Select(v => v.Address).Distinct(StringComparer.Ordinal).Count());
        // What the store holds, read back through the other server: the same 1,000, nothing more.
        using var stored = JsonDocument.Parse(await second.GetStringAsync(new Uri("/vnics?network=big", UriKind.Relative)));
        var vnics = stored.RootElement.EnumerateArray().ToList();
        Assert.Equal(1000, vnics.Count);
        Assert.Equal(1000, vnics.Select(v => v.GetProperty("mac").GetString()).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1000, vnics.Select(v => v.GetProperty("addresses")[0].GetString()).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(
            outcome.Vnics.Select(v => $"{v.Zone} {v.Mac} {v.Address}").Order(StringComparer.Ordinal),
            vnics.Select(v => $"{v.GetProperty("zone").GetString()} {v.GetProperty("mac").GetString()} {v.GetProperty("addresses")[0].GetString()}").Order(StringComparer.Ordinal));
    }
}
