using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Testing;

namespace NetVirt.Bench.MultiHost;

/// <summary>
/// Three (or more) hosts on one machine, for the many-hosts tests and benchmarks (what <c>scripts/lab.sh</c> builds
/// for people): each host a network namespace with an underlay interface on one bridge (172.31.255.0/24, host i = .i)
/// that lives in a namespace of its own, the hub (.254), so nothing is added to the machine's own namespace; a
/// throwaway PostgreSQL cluster; a central <c>netvirt serve</c> in the hub; one <c>netvirt agent</c> per host, started
/// with <c>nsenter --net=…</c>, each with its own ownership prefix. Every name starts with <c>nvt</c> + 2 hex digits
/// and a letter outside hex (<c>u</c> for the lab's own objects, <c>g</c>, <c>h</c>, <c>i</c>… for the agents'), so
/// no test prefix (<c>nvt</c> + 3 hex) can meet them and the test sweep still finds them. Disposing stops every
/// process and removes every namespace and the cluster; a lab whose test process died is reaped by the next one.
/// </summary>
public sealed class MultiHostLab : IAsyncDisposable
{
    /// <summary>The underlay's first three octets.</summary>
    public const string Underlay = "172.31.255";

    /// <summary>The server's port in the hub.</summary>
    public const int Port = 8470;

    private const string LabDirectoryPrefix = "netvirt-lab-";
    private readonly Process?[] _agents;
    private readonly List<Process> _servers = [];
    private bool _disposed;

    private MultiHostLab(string @base, int hosts, DirectoryInfo directory, ThrowawayPostgres postgres, string database)
    {
        Base = @base;
        Hosts = hosts;
        Directory = directory;
        Postgres = postgres;
        Database = database;
        _agents = new Process?[hosts + 1];
        Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Client = NewClient(ServerUrl);
    }

    /// <summary><c>nvt</c> + 2 hex digits: the start of every name of this lab.</summary>
    public string Base { get; }

    /// <summary>Number of hosts (h1..hN).</summary>
    public int Hosts { get; }

    /// <summary>Logs, agents' state, the lab's pid file.</summary>
    public DirectoryInfo Directory { get; }

    /// <summary>The cluster.</summary>
    public ThrowawayPostgres Postgres { get; }

    /// <summary>The database URI (unix socket).</summary>
    public string Database { get; }

    /// <summary>The write token of the server (and the agents).</summary>
    public string Token { get; }

    /// <summary>A client of the server, connecting from inside the hub.</summary>
    public HttpClient Client { get; }

    /// <summary>The prefix of the lab's own objects.</summary>
    public string Infra => Base + "u";

    /// <summary>The hub namespace (underlay bridge, server).</summary>
    public string Hub => $"{Infra}-hub";

    /// <summary>The server's URL (reachable from the hub and the hosts).</summary>
    public string ServerUrl => ServerUrlOn(Port);

    /// <summary>The URL of a server on <paramref name="port"/> in the hub.</summary>
    public static string ServerUrlOn(int port) => $"http://{Underlay}.254:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The namespace of host <paramref name="host"/> (1-based).</summary>
    public string HostNetns(int host) => $"{Infra}-h{host}";

    /// <summary>The ownership prefix of host <paramref name="host"/>'s agent.</summary>
    public string AgentPrefix(int host) => Base + (char)('f' + host);

    /// <summary>The namespace of zone <paramref name="zone"/> on host <paramref name="host"/>.</summary>
    public string ZoneNetns(string zone, int host) => $"{AgentPrefix(host)}-z-{zone}";

    /// <summary>The hosts section of a document for this lab.</summary>
    public string HostsYaml => "hosts:\n" + string.Concat(Enumerable.Range(1, Hosts).Select(i => $"  - {{ name: h{i}, address: {Underlay}.{i} }}\n"));

    /// <summary>The path of <c>netvirt.dll</c> next to this assembly.</summary>
    public static string NetvirtDll => Path.Combine(AppContext.BaseDirectory, "netvirt.dll");

    /// <summary>Why the lab cannot run here, or null.</summary>
    public static string? Missing =>
        !OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess ? "needs root on Linux"
        : !ThrowawayPostgres.Available ? "needs PostgreSQL (apt-get install postgresql)"
        : !File.Exists("/usr/bin/nsenter") ? "needs nsenter (util-linux)"
        : null;

    /// <summary>Builds the lab: namespaces and underlay, PostgreSQL, and (unless told otherwise) the server and the agents.</summary>
    public static async Task<MultiHostLab> StartAsync(int hosts = 3, bool start = true, bool durable = false, TimeSpan? resync = null)
    {
        if (Missing is { } why)
        {
            throw new InvalidOperationException($"the multi-host lab {why}");
        }

        Reap();
        var used = Run("ip", "-o", "addr", "show").Output + Run("ip", "route", "show").Output;
        if (used.Contains($" {Underlay}.", StringComparison.Ordinal) || used.Contains($"\n{Underlay}.", StringComparison.Ordinal) || used.StartsWith(Underlay, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Underlay}.0/24 is in use on this machine; the lab needs it");
        }

        var @base = "nvt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(1));
        var directory = System.IO.Directory.CreateTempSubdirectory(LabDirectoryPrefix);
        File.WriteAllText(Path.Combine(directory.FullName, "owner"), $"{Environment.ProcessId} {@base}\n");
        var postgres = ThrowawayPostgres.Start(durable);
        MultiHostLab? lab = null;
        try
        {
            lab = new MultiHostLab(@base, hosts, directory, postgres, postgres.CreateDatabase()) { Resync = resync ?? TimeSpan.FromSeconds(30) };
            lab.BuildNetwork();
            if (start)
            {
                await lab.StartServerAsync();
                await lab.PutStateAsync($"version: 1\n{lab.HostsYaml}");
                for (var i = 1; i <= hosts; i++)
                {
                    lab.StartAgent(i);
                }
            }

            return lab;
        }
        catch
        {
            if (lab is not null)
            {
                await lab.DisposeAsync();
            }
            else
            {
                postgres.Dispose();
                directory.Delete(recursive: true);
            }

            throw;
        }
    }

    /// <summary>How often the agents resync without a bell.</summary>
    public TimeSpan Resync { get; init; }

    private void BuildNetwork()
    {
        Must("ip", "netns", "add", Hub);
        Must("ip", "-n", Hub, "link", "set", "lo", "up");
        Must("ip", "-n", Hub, "link", "add", $"{Infra}-br", "mtu", "9000", "type", "bridge");
        Must("ip", "-n", Hub, "addr", "add", $"{Underlay}.254/24", "dev", $"{Infra}-br");
        Must("ip", "-n", Hub, "link", "set", $"{Infra}-br", "up");
        for (var i = 1; i <= Hosts; i++)
        {
            var ns = HostNetns(i);
            Must("ip", "netns", "add", ns);
            Must("ip", "-n", ns, "link", "set", "lo", "up");
            Must("ip", "link", "add", $"{Infra}-{i}", "mtu", "9000", "netns", Hub, "type", "veth", "peer", "name", $"{Infra}-up", "mtu", "9000", "netns", ns);
            Must("ip", "-n", Hub, "link", "set", $"{Infra}-{i}", "master", $"{Infra}-br", "up");
            Must("ip", "-n", ns, "addr", "add", $"{Underlay}.{i}/24", "dev", $"{Infra}-up");
            Must("ip", "-n", ns, "link", "set", $"{Infra}-up", "up");
        }
    }

    // ---- processes ---------------------------------------------------------------------------------------------

    /// <summary>Starts a server on <paramref name="port"/> in the hub on the lab's database and waits until it answers.</summary>
    public async Task<Process> StartServerAsync(int port = Port)
    {
        var server = Spawn(Hub, $"server-{port}", ["--db", Database, "serve", "--urls", ServerUrlOn(port), "--reconcile", "off", "--audit-dir", Path.Combine(Directory.FullName, "audits"), "--socket", "none"], Base + "s");
        _servers.Add(server);
        using var client = NewClient(ServerUrlOn(port));
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"netvirt serve exited with {server.ExitCode}: {Log($"server-{port}")}");
            }

            try
            {
                if ((await client.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"netvirt serve did not answer within 60 s: {Log($"server-{port}")}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops every server (SIGTERM, then SIGKILL after 10 s).</summary>
    public async Task StopServersAsync()
    {
        foreach (var server in _servers)
        {
            await StopAsync(server, TimeSpan.FromSeconds(10));
        }

        _servers.Clear();
    }

    /// <summary>Starts host <paramref name="host"/>'s agent.</summary>
    public Process StartAgent(int host)
    {
        var stateDirectory = Path.Combine(Directory.FullName, $"h{host}");
        var agent = Spawn(HostNetns(host), $"h{host}",
            ["agent", "--server", ServerUrl, "--host", $"h{host}", "--state-dir", stateDirectory, "--resync", $"{Resync.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"], AgentPrefix(host));
        _agents[host] = agent;
        return agent;
    }

    /// <summary>Kills host <paramref name="host"/>'s agent at once (SIGKILL: nothing of it runs after).</summary>
    public void KillAgent(int host)
    {
        if (_agents[host] is { } agent)
        {
            agent.Kill();
            agent.WaitForExit();
            _agents[host] = null;
        }
    }

    /// <summary>The agent of <paramref name="host"/>, if it runs.</summary>
    public Process? Agent(int host) => _agents[host];

    /// <summary>What a process of the lab wrote (<c>h1</c>, <c>server-8470</c>).</summary>
    public string Log(string name)
    {
        var path = Path.Combine(Directory.FullName, name + ".log");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    private Process Spawn(string netns, string log, string[] args, string prefix)
    {
        var start = new ProcessStartInfo("/usr/bin/nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[$"--net=/run/netns/{netns}", "--", "dotnet", NetvirtDll, .. args])
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["NETVIRT_API_TOKEN"] = Token;
        start.Environment["NETVIRT_PREFIX"] = prefix;
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start nsenter");
        var writer = new StreamWriter(new FileStream(Path.Combine(Directory.FullName, log + ".log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var gate = new Lock();
        var open = 2; // stdout and stderr: the log closes when both have ended (a null line)
        void Write(string? line)
        {
            lock (gate)
            {
                if (line is not null)
                {
                    writer.WriteLine(line);
                }
                else if (--open == 0)
                {
                    writer.Dispose();
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        File.AppendAllText(Path.Combine(Directory.FullName, "pids"), $"{process.Id}\n");
        return process;
    }

    private static async Task StopAsync(Process process, TimeSpan grace)
    {
        if (process.HasExited)
        {
            return;
        }

        _ = Kill(process.Id, 15);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    // ---- the desired state and the hosts ------------------------------------------------------------------------

    /// <summary>Stores <paramref name="yaml"/> as the desired state (<c>PUT /state</c>); returns its generation.</summary>
    public async Task<long> PutStateAsync(string yaml, bool allowEmpty = false)
    {
        using var response = await Client.PutAsync(new Uri(allowEmpty ? "/state?allowEmpty=true" : "/state", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT /state: {(int)response.StatusCode} {text}");
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("generation").GetInt64();
    }

    /// <summary>
    /// Waits until every host's agent reports itself converged at <paramref name="generation"/> or later; throws with
    /// the hosts' reports and the agents' logs after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitConvergedAsync(long generation, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(90);
        string last = "";
        while (deadline.Elapsed < limit)
        {
            try
            {
                last = await Client.GetStringAsync(new Uri("/hosts", UriKind.Relative));
                using var document = JsonDocument.Parse(last);
                if (document.RootElement.EnumerateArray().All(h => h.TryGetProperty("agent", out var a)
                    && a.GetProperty("state").GetString() == "converged"
                    && a.TryGetProperty("generation", out var g) && g.ValueKind == JsonValueKind.Number && g.GetInt64() >= generation))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // The server may be restarting.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the hosts did not converge to generation {generation} within {limit.TotalSeconds:0} s: {last}\n"
            + string.Join("\n", Enumerable.Range(1, Hosts).Select(i => $"--- h{i}:\n{Tail(Log($"h{i}"))}")));
    }

    /// <summary>One host's detail (<c>GET /hosts/{name}</c>).</summary>
    public async Task<JsonElement> HostAsync(int host)
    {
        var text = await Client.GetStringAsync(new Uri($"/hosts/h{host}", UriKind.Relative));
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>True when a ping from the zone namespace <paramref name="zoneNetns"/> to <paramref name="address"/> is answered (each of <paramref name="count"/> within a second).</summary>
    public static bool Ping(string zoneNetns, string address, int count = 1) =>
        Run("ip", "netns", "exec", zoneNetns, "ping", "-c", count.ToString(CultureInfo.InvariantCulture), "-W", "1", "-i", "0.2", address).ExitCode == 0;

    /// <summary>What the hosts hold, for a failure message: tunnels, forwarding and neighbour entries, and every namespace's neighbours and routes.</summary>
    public string Diagnose()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= Hosts; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"=== h{i}\n{Run("ip", "-n", HostNetns(i), "-br", "link").Output}{Run("ip", "netns", "exec", HostNetns(i), "bridge", "fdb", "show").Output}{Run("ip", "-n", HostNetns(i), "neigh").Output}");
        }

        foreach (var path in System.IO.Directory.GetFiles(NetnsThread.NetnsDirectory).Select(Path.GetFileName).Where(n => n!.StartsWith(Base, StringComparison.Ordinal) && n.Contains("-r-", StringComparison.Ordinal) || n!.Contains("-z-", StringComparison.Ordinal) && n.StartsWith(Base, StringComparison.Ordinal)))
        {
            text.Append(CultureInfo.InvariantCulture, $"=== {path}\n{Run("ip", "-n", path!, "-br", "addr").Output}{Run("ip", "-n", path!, "neigh").Output}{Run("ip", "-n", path!, "route").Output}");
        }

        return text.ToString();
    }

    /// <summary>Runs a command in host <paramref name="host"/>'s namespace; its output.</summary>
    public string InHost(int host, params string[] argv) => Must("ip", ["netns", "exec", HostNetns(host), .. argv]);

    /// <summary>A client of a server on <paramref name="url"/> in the hub: its sockets are made inside the hub namespace.</summary>
    public HttpClient NewClient(string url)
    {
        var hub = Hub;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                // A socket stays in the namespace it was made in, whichever thread uses it.
                var socket = NetnsThread.Run(hub, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    // ---- teardown ----------------------------------------------------------------------------------------------

    /// <summary>Stops every process, removes every namespace of the lab (with every interface in them) and the cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Client.Dispose();
        foreach (var agent in _agents.OfType<Process>())
        {
            await StopAsync(agent, TimeSpan.FromSeconds(5));
        }

        await StopServersAsync();
        RemoveNamespaces(Base);
        Postgres.Dispose();
        try
        {
            Directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A log still being written by a dying process: the next lab reaps the directory.
        }
    }

    /// <summary>Every namespace whose name starts with <paramref name="base"/>, a letter and '-' (hosts, hub, the agents' zones and routers).</summary>
    private static void RemoveNamespaces(string @base)
    {
        if (!System.IO.Directory.Exists(NetnsThread.NetnsDirectory))
        {
            return;
        }

        foreach (var path in System.IO.Directory.GetFiles(NetnsThread.NetnsDirectory))
        {
            var name = Path.GetFileName(path);
            if (name.Length > @base.Length + 1 && name.StartsWith(@base, StringComparison.Ordinal) && char.IsAsciiLetterLower(name[@base.Length]) && name[@base.Length + 1] == '-')
            {
                Run("ip", "netns", "delete", name);
            }
        }
    }

    /// <summary>Labs whose test process died: their processes killed, their namespaces and directory removed.</summary>
    private static void Reap()
    {
        foreach (var directory in System.IO.Directory.GetDirectories(Path.GetTempPath(), LabDirectoryPrefix + "*"))
        {
            var owner = Path.Combine(directory, "owner");
            if (!File.Exists(owner) || File.ReadAllText(owner).Split(' ', StringSplitOptions.TrimEntries) is not [var pidText, var @base]
                || !int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid) || Kill(pid, 0) == 0)
            {
                continue;
            }

            var pids = Path.Combine(directory, "pids");
            foreach (var line in File.Exists(pids) ? File.ReadAllLines(pids) : [])
            {
                // Only a process that is still one of the lab's (its command line names netvirt.dll).
                if (int.TryParse(line, CultureInfo.InvariantCulture, out var child) && File.Exists($"/proc/{child}/cmdline")
                    && File.ReadAllText($"/proc/{child}/cmdline").Contains("netvirt.dll", StringComparison.Ordinal))
                {
                    _ = Kill(child, 9);
                }
            }

            RemoveNamespaces(@base);
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>Runs a command; its exit code and output.</summary>
    public static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    private static string Must(string file, params string[] args)
    {
        var (code, output) = Run(file, args);
        return code == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {output}");
    }

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
