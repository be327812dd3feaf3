using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace NetVirt.Bench.Api;

/// <summary>
/// The API figures of the issue, against a real <c>netvirt serve</c> process on loopback (temporary database,
/// <c>--reconcile off</c>, bearer token on): VNIC creation with IP and MAC allocation from 32 concurrent clients
/// (requests/s, p50/p99, duplicates, 5xx), the free-ranges view of the network from 16 concurrent clients, and the
/// server's resident memory after all requests.
/// </summary>
public sealed class ApiLoadBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "api-load";

    /// <inheritdoc />
    public string Description => "netvirt serve on loopback: VNIC creation (IP+MAC) at 32 clients, free ranges at 16 clients, RSS after all requests";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "readers", "reads", "vnics", "writers");
        var vnics = int.Parse(options.Get("vnics", "20000"), CultureInfo.InvariantCulture);
        var reads = int.Parse(options.Get("reads", "80000"), CultureInfo.InvariantCulture);
        var writers = int.Parse(options.Get("writers", "32"), CultureInfo.InvariantCulture);
        var readers = int.Parse(options.Get("readers", "16"), CultureInfo.InvariantCulture);
        var work = Directory.CreateTempSubdirectory("netvirt-bench-api");
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        using var server = StartServer(Path.Combine(work.FullName, "api.db"), url, token);
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
            {
                BaseAddress = new Uri(url),
                Timeout = TimeSpan.FromSeconds(60),
            };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await WaitHealthyAsync(client, server, cancellationToken);
            await SendAsync(client, HttpMethod.Post, "/etherstubs", """{"name": "stub0"}""", HttpStatusCode.Created, cancellationToken);
            await SendAsync(client, HttpMethod.Post, "/networks",
                """{"name": "n1", "over": "stub0", "vlan": 10, "ipv4": {"subnet": "10.64.0.0/16", "gateway": "10.64.0.1"}}""", HttpStatusCode.Created, cancellationToken);

            // Warm-up: JIT, connection pools and SQLite caches, outside the measurement.
            await RunClientsAsync(writers, 200, i => CreateVnicAsync(client, $"warm{i}", cancellationToken), cancellationToken);

            var create = await RunClientsAsync(writers, vnics, i => CreateVnicAsync(client, $"c{i}", cancellationToken), cancellationToken);
            var distinctIps = create.Bodies.Select(b => b.Ip).Distinct(StringComparer.Ordinal).Count();
            var distinctMacs = create.Bodies.Select(b => b.Mac).Distinct(StringComparer.Ordinal).Count();
            var stored = await StoredVnicCountAsync(client, cancellationToken);

            var free = await RunClientsAsync(readers, reads, _ => ReadFreeAsync(client, cancellationToken), cancellationToken);
            var total = 200 + vnics + reads + 4;
            var rss = ResidentKilobytes(server.Id);

            Console.WriteLine($"| API load ({Environment.ProcessorCount} cores, server and clients on one machine) | result |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| VNIC creation (IP + MAC), {writers} clients | {create.Rate:N0} req/s, p50 {create.P50:0.0} ms, p99 {create.P99:0.0} ms ({vnics:N0} requests) |");
            Console.WriteLine($"| … duplicates / 5xx / other failures | {vnics - distinctIps} duplicate IPs, {vnics - distinctMacs} duplicate MACs, {create.ServerErrors} 5xx, {create.OtherFailures} other |");
            Console.WriteLine($"| … VNICs the server lists afterwards | {stored:N0} (expected {vnics + 200:N0}) |");
            Console.WriteLine($"| Free ranges of that network (GET), {readers} clients | {free.Rate:N0} req/s, p50 {free.P50:0.00} ms, p99 {free.P99:0.00} ms ({reads:N0} requests) |");
            Console.WriteLine($"| … 5xx / other failures | {free.ServerErrors} 5xx, {free.OtherFailures} other |");
            Console.WriteLine($"| Server RSS after {total:N0} requests | {rss / 1024.0:0} MiB |");
            var ok = distinctIps == vnics && distinctMacs == vnics && create.ServerErrors + create.OtherFailures + free.ServerErrors + free.OtherFailures == 0 && stored == vnics + 200;
            return ok ? 0 : 1;
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync(CancellationToken.None);
            }

            work.Delete(recursive: true);
        }
    }

    private static Process StartServer(string database, string url, string token)
    {
        var netvirt = Path.Combine(AppContext.BaseDirectory, "netvirt.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { netvirt, "--db", database, "serve", "--urls", url, "--reconcile", "off" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NETVIRT_API_TOKEN"] = token;
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start netvirt serve");
        // Drain the output so the server never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"server: {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient client, Process server, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"netvirt serve exited with {server.ExitCode}");
            }

            try
            {
                using var response = await client.GetAsync("/healthz", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("netvirt serve did not answer /healthz within 30 s");
    }

    private static async Task<Outcome> CreateVnicAsync(HttpClient client, string zone, CancellationToken cancellationToken)
    {
        using var content = new StringContent($$"""{"zone": "{{zone}}", "network": "n1"}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/vnics", content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return new Outcome((int)response.StatusCode, null);
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return new Outcome(201, (root.GetProperty("mac").GetString()!, root.GetProperty("addresses")[0].GetString()!));
    }

    private static async Task<Outcome> ReadFreeAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync("/networks/n1/ips/free?family=ipv4", cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new Outcome((int)response.StatusCode, null);
    }

    private static async Task<int> StoredVnicCountAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync("/vnics?network=n1", cancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return json.RootElement.GetArrayLength();
    }

    private static async Task SendAsync(HttpClient client, HttpMethod method, string path, string body, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request, cancellationToken);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Runs <paramref name="count"/> requests from <paramref name="clients"/> concurrent loops, each waiting for its answer before the next.</summary>
    private static async Task<Result> RunClientsAsync(int clients, int count, Func<int, Task<Outcome>> request, CancellationToken cancellationToken)
    {
        var latencies = new double[count];
        var bodies = new ConcurrentBag<(string Mac, string Ip)>();
        var next = -1;
        var serverErrors = 0;
        var otherFailures = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = await request(i);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (outcome.Status >= 500)
                {
                    Interlocked.Increment(ref serverErrors);
                }
                else if (outcome.Status >= 300)
                {
                    Interlocked.Increment(ref otherFailures);
                }

                if (outcome.Vnic is { } vnic)
                {
                    bodies.Add(vnic);
                }
            }
        }, cancellationToken)));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new Result(count / seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), serverErrors, otherFailures, [.. bodies]);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static long ResidentKilobytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Outcome(int Status, (string Mac, string Ip)? Vnic);

    private sealed record Result(double Rate, double P50, double P99, int ServerErrors, int OtherFailures, IReadOnlyList<(string Mac, string Ip)> Bodies);
}
