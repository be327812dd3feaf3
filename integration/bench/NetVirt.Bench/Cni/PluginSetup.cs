using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetVirt.Testing;

namespace NetVirt.Bench.Cni;

/// <summary>
/// One plugin ready to run under a fresh <c>nvt</c> prefix: NetVirt (a database with one /16 network applied to the
/// host, <c>netvirt serve</c> on its own socket, the plugin installed with <c>netvirt cni install</c>, all by the CLI as
/// users run it: the ReadyToRun publish that <c>bin/netvirt</c> starts) or the reference
/// (bridge + host-local with a data directory of its own). Disposal removes the namespaces, links and files it made.
/// </summary>
internal sealed class PluginSetup : IAsyncDisposable
{
    private readonly string _cli;
    private Process? _server;

    private PluginSetup(PluginKind kind, string prefix, string directory, string cli)
    {
        Kind = kind;
        Prefix = prefix;
        Directory = directory;
        _cli = cli;
    }

    public PluginKind Kind { get; }

    public string Prefix { get; }

    public string Directory { get; }

    public string Network => Kind == PluginKind.NetVirt ? "bench" : $"{Prefix}-ref";

    public string PluginDir => Kind == PluginKind.NetVirt ? Path.Combine(Directory, "bin") : "/usr/lib/cni";

    public string ConfDir => Path.Combine(Directory, "net.d");

    public List<string> Namespaces { get; } = [];

    private string Database => Path.Combine(Directory, "netvirt.db");

    private string Socket => Path.Combine(Directory, "s.sock");

    private string IpamDir => Path.Combine(Directory, "ipam");

    /// <summary>The network configuration the runtime hands the plugin on stdin (the conflist's entry with its name and version).</summary>
    public string Config { get; private set; } = "";

    public static async Task<PluginSetup> CreateAsync(PluginKind kind, string plugin, string cli, CancellationToken cancellationToken)
    {
        var prefix = TestPrefix.ForBenchmark();
        var setup = new PluginSetup(kind, prefix, System.IO.Directory.CreateTempSubdirectory($"{prefix}-").FullName, cli);
        try
        {
            System.IO.Directory.CreateDirectory(setup.ConfDir);
            if (kind == PluginKind.NetVirt)
            {
                await setup.StartNetVirtAsync(plugin, cancellationToken);
            }
            else
            {
                // No ipMasq and no isGateway: the reference plugin changes nothing on the host beyond its bridge.
                var entry = $$$"""{"type": "bridge", "bridge": "{{{prefix}}}-rb", "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.234.0.0/16"}]], "dataDir": "{{{setup.IpamDir}}}"}}""";
                setup.Config = entry.Insert(1, $"\"cniVersion\": \"1.0.0\", \"name\": \"{setup.Network}\", ");
                await File.WriteAllTextAsync(Path.Combine(setup.ConfDir, $"{setup.Network}.conflist"),
                    $"{{\"cniVersion\": \"1.0.0\", \"name\": \"{setup.Network}\", \"plugins\": [{entry}]}}", cancellationToken);
            }

            return setup;
        }
        catch
        {
            await setup.DisposeAsync();
            throw;
        }
    }

    private async Task StartNetVirtAsync(string plugin, CancellationToken cancellationToken)
    {
        var document = Path.Combine(Directory, "bench.yaml");
        await File.WriteAllTextAsync(document, """
            etherstubs: [{name: stub0}]
            networks:
              - name: bench
                tenant: bench
                over: stub0
                vlan: 300
                ipv4: {subnet: 10.235.0.0/16, gateway: 10.235.0.1}
            """, cancellationToken);
        await Run.OkAsync(_cli, Netvirt("apply", "-f", document, "--auto-approve", "--quiet"), cancellationToken, PrefixEnvironment);
        var start = new ProcessStartInfo(_cli) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in Netvirt("serve", "--reconcile", "off", "--urls", "http://127.0.0.1:0", "--socket", Socket))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NETVIRT_PREFIX"] = Prefix;
        start.Environment["NETVIRT_API_TOKEN"] = "bench";
        _server = Process.Start(start) ?? throw new InvalidOperationException("cannot start netvirt serve");
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!File.Exists(Socket))
        {
            if (_server.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("netvirt serve did not start");
            }

            await Task.Delay(100, cancellationToken);
        }

        await Run.OkAsync(_cli, Netvirt("cni", "install", "--dir", PluginDir, "--conf-dir", ConfDir, "--plugin", plugin, "--socket", Socket, "--quiet"), cancellationToken, PrefixEnvironment);
        var conflist = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(ConfDir, "netvirt-bench.conflist"), cancellationToken)).RootElement;
        var entry = System.Text.Json.Nodes.JsonNode.Parse(conflist.GetProperty("plugins")[0].GetRawText())!.AsObject();
        entry["cniVersion"] = conflist.GetProperty("cniVersion").GetString();
        entry["name"] = conflist.GetProperty("name").GetString();
        entry.Remove("capabilities");
        Config = entry.ToJsonString();
    }

    private Dictionary<string, string> PrefixEnvironment => new() { ["NETVIRT_PREFIX"] = Prefix, ["NETVIRT_API_TOKEN"] = "bench" };

    private string[] Netvirt(params string[] args) => ["--db", Database, .. args];

    /// <summary>The environment of one plugin call, as libcni sets it.</summary>
    public Dictionary<string, string> Environment(string command, int container, string netns) => new()
    {
        ["CNI_COMMAND"] = command,
        ["CNI_CONTAINERID"] = $"{Prefix}{container.ToString("x8", CultureInfo.InvariantCulture)}",
        ["CNI_NETNS"] = netns,
        ["CNI_IFNAME"] = "eth0",
        ["CNI_PATH"] = PluginDir,
        ["CNI_ARGS"] = $"IgnoreUnknown=1;K8S_POD_NAME=bench{container}",
    };

    /// <summary>Executes the plugin the way a runtime does: its path from the conflist's type, the config on stdin.</summary>
    public async Task<(int Exit, string Stdout)> ExecAsync(Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var file = Path.Combine(PluginDir, Kind == PluginKind.NetVirt ? "netvirt" : "bridge");
        var (exit, stdout, _) = await Run.ExecAsync(file, [], cancellationToken, environment, Config, clearEnvironment: true);
        return (exit, stdout);
    }

    /// <summary>Addresses the plugin still holds after every container was deleted: leaks.</summary>
    public async Task<int> HeldAddressesAsync(CancellationToken cancellationToken)
    {
        if (Kind == PluginKind.NetVirt)
        {
            var usage = JsonDocument.Parse(await Run.OkAsync(_cli, Netvirt("ip", "list", "-o", "json"), cancellationToken, PrefixEnvironment)).RootElement;
            return usage.EnumerateArray().Sum(u => u.GetProperty("used").GetInt32());
        }

        // host-local keeps one file per held address (named by the address) under dataDir/<network>/.
        var folder = Path.Combine(IpamDir, Network);
        return System.IO.Directory.Exists(folder)
            ? System.IO.Directory.GetFiles(folder).Count(f => System.Net.IPAddress.TryParse(Path.GetFileName(f), out _))
            : 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false } server)
        {
            await Run.TryAsync("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)]);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await server.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                server.Kill(entireProcessTree: true);
            }
        }

        _server?.Dispose();
        if (Kind == PluginKind.NetVirt && File.Exists(Database))
        {
            await Run.TryAsync(_cli, Netvirt("destroy", "--auto-approve", "--quiet"), PrefixEnvironment);
        }

        foreach (var ns in Namespaces)
        {
            await Run.TryAsync("/usr/sbin/ip", ["netns", "del", ns]);
        }

        // Whatever is left with the prefix (the reference bridge, a host end a failed run left): this run's own objects only.
        var links = await Run.ExecAsync("/usr/sbin/ip", ["-j", "link", "show"], CancellationToken.None);
        foreach (var link in JsonDocument.Parse(links.Stdout).RootElement.EnumerateArray())
        {
            if (link.GetProperty("ifname").GetString() is { } name && name.StartsWith(Prefix + "-", StringComparison.Ordinal))
            {
                await Run.TryAsync("/usr/sbin/ip", ["link", "del", name]);
            }
        }

        await UnmountUnderAsync(Directory);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static async Task UnmountUnderAsync(string directory)
    {
        var mounts = (await File.ReadAllLinesAsync("/proc/self/mounts")).Select(l => l.Split(' ')[1])
            .Where(m => m.StartsWith(directory + "/", StringComparison.Ordinal)).OrderByDescending(m => m.Length);
        foreach (var mount in mounts)
        {
            await Run.TryAsync("/usr/bin/umount", ["-l", mount]);
        }
    }
}
