using System.Diagnostics;
using System.Globalization;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Store;

namespace NetVirt.Bench.Ipam;

/// <summary>
/// One process of the multi-process IPAM test and benchmark: adds <c>--count</c> zones, each with one VNIC and one
/// automatic IPv4 address, to <c>--network</c>, one transaction per allocation (the API's path). Prints
/// "ok COUNT SECONDS" on success.
/// </summary>
public sealed class IpamWorker : IBenchmark
{
    /// <inheritdoc />
    public string Name => "ipam-worker";

    /// <inheritdoc />
    public string Description => "worker process for the ipam benchmark and the multi-process test (--db F --network N --count C --prefix P)";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "count", "db", "network", "prefix");
        var store = NetVirtStore.Open(options.Get("db"), busyTimeout: TimeSpan.FromSeconds(30));
        var count = int.Parse(options.Get("count"), CultureInfo.InvariantCulture);
        var network = options.Get("network");
        var prefix = options.Get("prefix");
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            store.AddZone(Zone($"{prefix}-{i}", network), HostTarget.Linux);
        }

        Console.WriteLine(FormattableString.Invariant($"ok {count} {stopwatch.Elapsed.TotalSeconds:0.000}"));
        return Task.FromResult(0);
    }

    /// <summary>A zone with one VNIC holding one automatic IPv4 address.</summary>
    public static ZoneSpec Zone(string name, string network) => new()
    {
        Name = name,
        Vnics = [new VnicSpec { Name = "net0", Network = network, Addresses = [new AddressSpec { Tag = "v4", Family = System.Net.Sockets.AddressFamily.InterNetwork }] }],
    };
}
