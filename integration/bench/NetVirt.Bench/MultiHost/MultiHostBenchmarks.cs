using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NetVirt.Backends.Linux.Namespaces;

namespace NetVirt.Bench.MultiHost;

/// <summary>
/// The many-hosts issue's first figure: 3 hosts × N zones applied through the agents of the lab
/// (<see cref="MultiHostLab"/>), from <c>PUT /state</c> to every agent reporting itself converged at that generation;
/// then the same for removing them all. Zones sit in 10 tenant networks that each span the three hosts (so every
/// host carries 10 VXLAN tunnels and a forwarding and neighbour entry per remote VNIC), one VNIC each, IPv4 with a
/// gateway (the anycast router on every host).
/// </summary>
public sealed class MultiHostConvergeBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "multihost-converge";

    /// <inheritdoc />
    public string Description => "3 hosts x N zones applied through the agents of the lab: PUT /state until every agent converged, then removal (args: --zones 300 --runs 1); root, PostgreSQL";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "zones", "runs");
        var perHost = int.Parse(options.Get("zones", "300"), CultureInfo.InvariantCulture);
        var runs = int.Parse(options.Get("runs", "1"), CultureInfo.InvariantCulture);
        await using var lab = await MultiHostLab.StartAsync(resync: TimeSpan.FromMinutes(10));
        var rows = new List<string>();
        for (var run = 1; run <= runs; run++)
        {
            var document = Document(lab, perHost);
            var stopwatch = Stopwatch.StartNew();
            var generation = await lab.PutStateAsync(document);
            var stored = stopwatch.Elapsed;
            await lab.WaitConvergedAsync(generation, TimeSpan.FromMinutes(20));
            var converged = stopwatch.Elapsed;
            var applies = await AgentRunSecondsAsync(lab);

            stopwatch.Restart();
            generation = await lab.PutStateAsync($"version: 1\n{lab.HostsYaml}", allowEmpty: true);
            await lab.WaitConvergedAsync(generation, TimeSpan.FromMinutes(20));
            var removed = stopwatch.Elapsed;
            rows.Add($"| {lab.Hosts} × {perHost:N0} | {stored.TotalSeconds:0.00} s | {converged.TotalSeconds:0.00} s | {string.Join(" / ", applies.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)))} s | {removed.TotalSeconds:0.00} s |");
            Console.Error.WriteLine($"run {run}: {rows[^1]}");
        }

        Console.WriteLine();
        Console.WriteLine($"Lab of {lab.Hosts} hosts on one machine ({Environment.ProcessorCount} cores, shared by all hosts, the server and PostgreSQL), kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}; 10 tenant networks spanning every host, 1 VNIC (IPv4, gateway) per zone.");
        Console.WriteLine();
        Console.WriteLine("| hosts × zones | PUT /state stored | all agents converged (from the PUT) | each agent's apply run (h1 / h2 / h3) | removal, all converged |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    /// <summary>The lab's hosts, one etherstub, 10 tenant networks and <paramref name="perHost"/> zones on each host, round robin over the networks.</summary>
    public static string Document(MultiHostLab lab, int perHost, int tenants = 10)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var text = new StringBuilder($"version: 1\n{lab.HostsYaml}etherstubs:\n  - name: stub0\nnetworks:\n");
        for (var t = 0; t < tenants; t++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - {{ name: t{t}, tenant: t{t}, over: stub0, vlan: {100 + t}, ipv4: {{ subnet: 10.{t + 1}.0.0/16, gateway: 10.{t + 1}.0.1 }} }}\n");
        }

        text.Append("zones:\n");
        for (var i = 0; i < perHost * lab.Hosts; i++)
        {
            var t = i % tenants;
            var k = i / tenants;
            text.Append(CultureInfo.InvariantCulture, $"  - {{ name: z{i}, host: h{(i % lab.Hosts) + 1}, vnics: [{{ name: net0, network: t{t}, addresses: [{{ tag: v4, address: 10.{t + 1}.{(k / 200) + 1}.{(k % 200) + 10} }}] }}] }}\n");
        }

        return text.ToString();
    }

    // What each agent reported of its last apply run (seconds).
    private static async Task<List<double>> AgentRunSecondsAsync(MultiHostLab lab)
    {
        var seconds = new List<double>();
        for (var i = 1; i <= lab.Hosts; i++)
        {
            var host = await lab.HostAsync(i);
            seconds.Add(host.GetProperty("report").TryGetProperty("run", out var run) ? run.GetProperty("seconds").GetDouble() : 0);
        }

        return seconds;
    }
}

/// <summary>
/// The many-hosts issue's second figure: from <c>POST /vnics</c> (a new zone, placed by the server) to that zone
/// answering a ping from a zone on another host, over the VXLAN tunnel (the server stores and rings the bell, the
/// zone's host creates it, the pinger's host writes its forwarding and neighbour entries). p50 and p99 over N samples,
/// with <c>--zones</c> zones per host already there (each agent pass observes its whole host).
/// </summary>
public sealed class MultiHostLatencyBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "multihost-latency";

    /// <inheritdoc />
    public string Description => "POST /vnics to the new zone answering a ping from another host, p50/p99 (args: --samples 100 --zones 0,300 --arp-retrans-ms 10, 0 = kernel default); root, PostgreSQL";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "samples", "zones", "arp-retrans-ms");
        var samples = int.Parse(options.Get("samples", "100"), CultureInfo.InvariantCulture);
        var sizes = options.Get("zones", "0,300").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var arpRetransMs = int.Parse(options.Get("arp-retrans-ms", "10"), CultureInfo.InvariantCulture);
        var rows = new List<string>();
        foreach (var perHost in sizes)
        {
            await using var lab = await MultiHostLab.StartAsync(resync: TimeSpan.FromMinutes(10));
            var latencies = await MeasureAsync(lab, perHost, samples, arpRetransMs, cancellationToken);
            latencies.Sort();
            rows.Add($"| {lab.Hosts} × {perHost:N0} | {samples} | {Percentile(latencies, 0.5) * 1000:0} ms | {Percentile(latencies, 0.99) * 1000:0} ms | {latencies[0] * 1000:0}–{latencies[^1] * 1000:0} ms |");
            Console.Error.WriteLine(rows[^1]);
        }

        Console.WriteLine();
        Console.WriteLine($"Lab of 3 hosts on one machine ({Environment.ProcessorCount} cores shared by all hosts, the server and PostgreSQL); each sample a new zone by POST /vnics in a network spanning the hosts, pinged (ICMP every 5 ms) from a zone on another host; the pinger's ARP retransmit time {(arpRetransMs > 0 ? $"{arpRetransMs} ms" : "the kernel's default (1 s)")}.");
        Console.WriteLine();
        Console.WriteLine("| hosts × zones already there | samples | p50 | p99 | min–max |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    private static async Task<List<double>> MeasureAsync(MultiHostLab lab, int perHost, int samples, int arpRetransMs, CancellationToken cancellationToken)
    {
        // The background zones, a network for the new zones with a pinger on every host.
        var document = MultiHostConvergeBenchmark.Document(lab, perHost)
            .Replace("networks:\n", "networks:\n  - { name: lat, over: stub0, vlan: 300, ipv4: { subnet: 10.200.0.0/16 } }\n", StringComparison.Ordinal)
            .Replace("zones:\n", "zones:\n" + string.Concat(Enumerable.Range(1, lab.Hosts).Select(h =>
                $"  - {{ name: pinger{h}, host: h{h}, vnics: [{{ name: net0, network: lat, addresses: [{{ tag: v4, address: 10.200.255.{h} }}] }}] }}\n")), StringComparison.Ordinal);
        await lab.WaitConvergedAsync(await lab.PutStateAsync(document), TimeSpan.FromMinutes(20));
        var pingers = Enumerable.Range(1, lab.Hosts).ToDictionary(h => h, h => new Pinger(lab.ZoneNetns($"pinger{h}", h)));
        if (arpRetransMs > 0)
        {
            // The pinger asks for the new zone's MAC before its host has the neighbour entry to answer with; the kernel
            // asks again only after retrans_time (1 s by default), which would round every sample up to that timer.
            foreach (var h in pingers.Keys)
            {
                MultiHostLab.Run("ip", "netns", "exec", lab.ZoneNetns($"pinger{h}", h), "sysctl", "-q", "-w", $"net.ipv4.neigh.net0.retrans_time_ms={arpRetransMs}");
            }
        }

        try
        {
            var latencies = new List<double>();
            for (var i = 0; i < samples; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var host = await NextPlacementAsync(lab);
                var from = (host % lab.Hosts) + 1;
                var zone = $"lat{i}";
                var stopwatch = Stopwatch.StartNew();
                using var response = await lab.Client.PostAsync(new Uri("/vnics", UriKind.Relative), new StringContent($$"""{"zone": "{{zone}}", "network": "lat"}""", Encoding.UTF8, "application/json"), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"POST /vnics: {(int)response.StatusCode} {body}");
                }

                var address = IPAddress.Parse(JsonDocument.Parse(body).RootElement.GetProperty("addresses")[0].GetString()!.Split('/')[0]);
                while (!pingers[from].Echo(address, TimeSpan.FromMilliseconds(5)))
                {
                    if (stopwatch.Elapsed > TimeSpan.FromSeconds(120))
                    {
                        throw new TimeoutException($"{zone} ({address}) did not answer pinger{from} within 120 s\n{lab.Diagnose()}");
                    }
                }

                latencies.Add(stopwatch.Elapsed.TotalSeconds);
                if (!File.Exists(NetnsThread.PathOf(lab.ZoneNetns(zone, host))))
                {
                    throw new InvalidOperationException($"{zone} answered, but is not on h{host} where the placement rule puts it");
                }
            }

            return latencies;
        }
        finally
        {
            foreach (var pinger in pingers.Values)
            {
                pinger.Dispose();
            }
        }
    }

    // The placement rule: the host with the fewest zones, ties by name.
    private static async Task<int> NextPlacementAsync(MultiHostLab lab)
    {
        using var hosts = JsonDocument.Parse(await lab.Client.GetStringAsync(new Uri("/hosts", UriKind.Relative)));
        var chosen = hosts.RootElement.EnumerateArray().OrderBy(h => h.GetProperty("zones").GetInt32()).ThenBy(h => h.GetProperty("name").GetString(), StringComparer.Ordinal).First();
        return int.Parse(chosen.GetProperty("name").GetString()!.AsSpan(1), CultureInfo.InvariantCulture);
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>ICMP echo from inside a namespace: a raw socket made there (a socket stays in the namespace it was made in).</summary>
    private sealed class Pinger(string netns) : IDisposable
    {
        private readonly Socket _socket = NetnsThread.Run(netns, () => new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp));
        private ushort _sequence;

        /// <summary>Sends one echo request; true when its reply arrives within <paramref name="timeout"/>.</summary>
        public bool Echo(IPAddress address, TimeSpan timeout)
        {
            var sequence = ++_sequence;
            var request = new byte[16];
            request[0] = 8; // echo request
            request[4] = 0x4e;
            request[5] = 0x56;
            request[6] = (byte)(sequence >> 8);
            request[7] = (byte)sequence;
            var sum = Checksum(request);
            request[2] = (byte)(sum >> 8);
            request[3] = (byte)sum;
            _socket.SendTo(request, new IPEndPoint(address, 0));
            var buffer = new byte[1500];
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < timeout)
            {
                if (!_socket.Poll(Math.Max(1, (int)(timeout - deadline.Elapsed).TotalMicroseconds), SelectMode.SelectRead))
                {
                    break;
                }

                var length = _socket.Receive(buffer);
                var header = (buffer[0] & 0x0f) * 4; // a raw IPv4 socket receives the IP header too
                if (length >= header + 8 && buffer[header] == 0 && buffer[header + 4] == 0x4e && buffer[header + 5] == 0x56
                    && buffer[header + 6] == (byte)(sequence >> 8) && buffer[header + 7] == (byte)sequence
                    && new IPAddress(buffer.AsSpan(12, 4)).Equals(address))
                {
                    return true;
                }
            }

            return false;
        }

        public void Dispose() => _socket.Dispose();

        private static ushort Checksum(byte[] data)
        {
            uint sum = 0;
            for (var i = 0; i < data.Length; i += 2)
            {
                sum += (uint)((data[i] << 8) | data[i + 1]);
            }

            while (sum >> 16 != 0)
            {
                sum = (sum & 0xffff) + (sum >> 16);
            }

            return (ushort)~sum;
        }
    }
}
