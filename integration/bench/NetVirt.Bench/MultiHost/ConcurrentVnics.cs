using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetVirt.Testing;

namespace NetVirt.Bench.MultiHost;

/// <summary>
/// Many clients creating VNICs at once through one or more API servers on the lab's PostgreSQL (<c>POST /vnics</c>,
/// each a new zone with one automatic address and MAC): what the many-hosts issue measures as allocations/s and tests
/// for duplicates. The lab runs no agent here, and the model has no hosts, so nothing is applied: only the store works.
/// </summary>
public static class ConcurrentVnics
{
    /// <summary>The created VNICs' zone, MAC and address, and the wall time of the whole burst.</summary>
    public sealed record Outcome(TimeSpan Elapsed, IReadOnlyList<(string Zone, string Mac, string Address)> Vnics);

    /// <summary>Stores an etherstub and network <paramref name="network"/> (a /20: 4,094 addresses) unless there.</summary>
    public static async Task AddNetworkAsync(HttpClient client, string network, int vlan, string subnet)
    {
        ArgumentNullException.ThrowIfNull(client);
        await PostAsync(client, "/etherstubs", """{"name": "stub0"}""", allowConflict: true);
        await PostAsync(client, "/networks", $$$"""{"name": "{{{network}}}", "over": "stub0", "vlan": {{{vlan}}}, "ipv4": {"subnet": "{{{subnet}}}"}}""", allowConflict: false);
    }

    /// <summary>
    /// <paramref name="clientsPerServer"/> clients on each of <paramref name="servers"/> create <paramref name="total"/>
    /// VNICs in <paramref name="network"/> between them, each client one request at a time.
    /// </summary>
    public static async Task<Outcome> RunAsync(IReadOnlyList<HttpClient> servers, int clientsPerServer, int total, string network, string zonePrefix)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var next = -1;
        var created = new (string, string, string)[total];
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(servers.SelectMany(server => Enumerable.Range(0, clientsPerServer).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var zone = zonePrefix + i.ToString(CultureInfo.InvariantCulture);
                var body = await PostAsync(server, "/vnics", $$"""{"zone": "{{zone}}", "network": "{{network}}"}""", allowConflict: false);
                using var view = JsonDocument.Parse(body);
                created[i] = (zone, view.RootElement.GetProperty("mac").GetString()!, view.RootElement.GetProperty("addresses")[0].GetString()!);
            }
        }))));
        return new Outcome(stopwatch.Elapsed, created);
    }

    private static async Task<string> PostAsync(HttpClient client, string path, string json, bool allowConflict)
    {
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode && !(allowConflict && response.StatusCode == System.Net.HttpStatusCode.Conflict))
        {
            throw new InvalidOperationException($"POST {path} {json}: {(int)response.StatusCode} {body}");
        }

        return body;
    }
}

/// <summary>
/// The many-hosts issue's third figure: allocations/s on PostgreSQL with 2 API servers × 16 clients (<c>POST /vnics</c>,
/// each a new zone with an automatic address and MAC), interleaved with 1 server × 16 clients on the same database, and
/// every round checked for duplicates. The reference (SQL alone, no HTTP, 8 writers): advisory lock 317/s.
/// </summary>
public sealed class PostgresAllocationBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "pg-alloc";

    /// <inheritdoc />
    public string Description => "allocations/s through POST /vnics on PostgreSQL: 2 servers x 16 clients vs 1 server x 16, interleaved (args: --per-round 1000 --rounds 3); root, PostgreSQL";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "per-round", "rounds");
        var perRound = int.Parse(options.Get("per-round", "1000"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(options.Get("rounds", "3"), CultureInfo.InvariantCulture);
        await using var lab = await MultiHostLab.StartAsync(start: false);
        await lab.StartServerAsync(MultiHostLab.Port);
        await lab.StartServerAsync(MultiHostLab.Port + 1);
        using var second = lab.NewClient(MultiHostLab.ServerUrlOn(MultiHostLab.Port + 1));
        HttpClient[] two = [lab.Client, second];
        HttpClient[] one = [lab.Client];

        // Warm-up (JIT, connection pools) on a network of its own.
        await ConcurrentVnics.AddNetworkAsync(lab.Client, "warm", 99, "10.99.0.0/20");
        await ConcurrentVnics.RunAsync(two, 16, 200, "warm", "w");

        var rates = new Dictionary<string, List<double>>(StringComparer.Ordinal) { ["2 servers × 16 clients"] = [], ["1 server × 16 clients"] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (label, servers) in new[] { ("2 servers × 16 clients", two), ("1 server × 16 clients", one) })
            {
                cancellationToken.ThrowIfCancellationRequested();
                var network = $"r{round}s{servers.Length}";
                await ConcurrentVnics.AddNetworkAsync(lab.Client, network, 100 + (round * 2) + servers.Length, $"10.{100 + (round * 2) + servers.Length}.0.0/20");
                var outcome = await ConcurrentVnics.RunAsync(servers, 16, perRound, network, network + "z");
                if (outcome.Vnics.Select(v => v.Mac).Distinct(StringComparer.Ordinal).Count() != perRound
                    || outcome.Vnics.Select(v => v.Address).Distinct(StringComparer.Ordinal).Count() != perRound)
                {
                    throw new InvalidOperationException($"{label}, round {round}: a MAC or an address was handed out twice");
                }

                var rate = perRound / outcome.Elapsed.TotalSeconds;
                rates[label].Add(rate);
                Console.Error.WriteLine($"round {round}: {label}: {rate:0} allocations/s ({perRound} in {outcome.Elapsed.TotalSeconds:0.00} s)");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"PostgreSQL of {ThrowawayPostgres.BinDirectory} (throwaway cluster, unix socket), API servers in one namespace of the lab, {Environment.ProcessorCount} cores shared by servers, clients and PostgreSQL; {perRound:N0} VNICs per round (a new zone each, automatic IPv4 in a /20 and MAC), no duplicate in any round.");
        Console.WriteLine();
        Console.WriteLine("| POST /vnics | rounds | allocations/s median | min–max |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (label, list) in rates)
        {
            list.Sort();
            Console.WriteLine($"| {label} | {list.Count} | {list[list.Count / 2]:0} | {list[0]:0}–{list[^1]:0} |");
        }

        return 0;
    }
}
