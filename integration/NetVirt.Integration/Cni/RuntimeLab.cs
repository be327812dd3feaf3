using System.Diagnostics;
using System.Text.Json;
using NetVirt.Integration.Infrastructure;
using NetVirt.Testing;

namespace NetVirt.Integration.Cni;

/// <summary>
/// NetVirt as a user runs it for containers, on a test prefix: a temporary database with the given document applied to
/// the host (bridges, tenant routers), <c>netvirt serve</c> as a process listening on its own unix socket, and
/// <c>netvirt cni install</c> into the lab's own plugin and conflist folders (never /etc or /opt). A busybox rootfs for
/// the runtimes. Disposal stops the server, runs <c>netvirt destroy</c> and removes whatever is left with the prefix,
/// also after a failure.
/// </summary>
public sealed class RuntimeLab : IAsyncDisposable
{
    private Process? _server;

    private RuntimeLab(string prefix, string directory)
    {
        Prefix = prefix;
        Directory = directory;
    }

    public string Prefix { get; }

    public string Directory { get; }

    public string Database => Path.Combine(Directory, "netvirt.db");

    public string Socket => Path.Combine(Directory, "netvirt.sock");

    public string PluginDir => Path.Combine(Directory, "cni-bin");

    public string ConfDir => Path.Combine(Directory, "cni-net.d");

    public string Rootfs => Path.Combine(Directory, "rootfs");

    /// <summary>The Native AOT plugin scripts/setup.sh builds (artifacts/cni/netvirt-cni).</summary>
    public static string PluginBinary
    {
        get
        {
            var root = RepositoryRoot();
            var path = Path.Combine(root, "artifacts", "cni", "netvirt-cni");
            Assert.True(File.Exists(path), $"{path} is missing: scripts/setup.sh publishes it (dotnet publish src/NetVirt.Cni.Plugin -c Release -r linux-x64 -o artifacts/cni)");
            return path;
        }
    }

    public static async Task<RuntimeLab> StartAsync(Func<string, string> documentForPrefix)
    {
        Prerequisites.EnsureAvailable();
        var prefix = TestPrefix.Any();
        var lab = new RuntimeLab(prefix, System.IO.Directory.CreateTempSubdirectory($"{prefix}-cni-").FullName);
        try
        {
            foreach (var folder in new[] { "bin", "etc", "proc", "sys", "dev", "tmp" })
            {
                System.IO.Directory.CreateDirectory(Path.Combine(lab.Rootfs, folder));
            }

            File.Copy("/bin/busybox", Path.Combine(lab.Rootfs, "bin", "busybox"));
            var document = Path.Combine(lab.Directory, "network.yaml");
            await File.WriteAllTextAsync(document, documentForPrefix(prefix));
            (await lab.NetvirtAsync("apply", "-f", document, "--auto-approve")).Ok("netvirt apply");
            await lab.StartServerAsync();
            (await lab.NetvirtAsync("cni", "install", "--dir", lab.PluginDir, "--conf-dir", lab.ConfDir, "--plugin", PluginBinary, "--socket", lab.Socket)).Ok("netvirt cni install");
            // ctr also runs the loopback plugin from the same folder.
            File.Copy("/usr/lib/cni/loopback", Path.Combine(lab.PluginDir, "loopback"));
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    public Task<Tool.Result> NetvirtAsync(params string[] args) =>
        Tool.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "netvirt.dll"), "--db", Database, .. args],
            new Dictionary<string, string> { ["NETVIRT_PREFIX"] = Prefix }, TimeSpan.FromMinutes(3));

    public async Task<JsonElement> NetvirtJsonAsync(params string[] args) =>
        JsonDocument.Parse((await NetvirtAsync([.. args, "-o", "json"])).Ok($"netvirt {string.Join(' ', args)}").Stdout).RootElement.Clone();

    /// <summary>Who holds <paramref name="address"/>: the state (held, released) and the zone.</summary>
    public async Task<(string State, string? Zone)> WhoAsync(string address)
    {
        var rows = await NetvirtJsonAsync("ip", "who", address);
        var row = rows.EnumerateArray().First();
        return (row.GetProperty("state").GetString()!, row.TryGetProperty("zone", out var zone) ? zone.GetString() : null);
    }

    private async Task StartServerAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "netvirt.dll"), "--db", Database, "serve", "--reconcile", "off", "--urls", "http://127.0.0.1:0", "--socket", Socket })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NETVIRT_PREFIX"] = Prefix;
        start.Environment["NETVIRT_API_TOKEN"] = "cni-lab";
        _server = Process.Start(start) ?? throw new InvalidOperationException("cannot start netvirt serve");
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        // Until it answers on its socket (a killed server's socket file may still be there: the new one replaces it).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!Answers(Socket))
        {
            Assert.False(_server.HasExited, $"netvirt serve exited with {(_server.HasExited ? _server.ExitCode : 0)}");
            Assert.True(DateTime.UtcNow < deadline, "netvirt serve did not listen on its socket within 60 s");
            await Task.Delay(100);
        }
    }

    private static bool Answers(string path)
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        try
        {
            probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>Stops the server as an operator would (SIGTERM), or kills it (to test what a dead daemon means).</summary>
    public async Task StopServerAsync(bool kill = false)
    {
        if (_server is not { HasExited: false } server)
        {
            return;
        }

        if (kill)
        {
            server.Kill(entireProcessTree: true);
        }
        else
        {
            _ = Tool.RunAsync("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

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

    public Task RestartServerAsync() => StartServerAsync();

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        _server?.Dispose();
        if (File.Exists(Database))
        {
            await NetvirtAsync("destroy", "--auto-approve");
        }

        await Sweep.PrefixAsync(Prefix);
        await Sweep.MountsUnderAsync(Directory);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetVirt.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
