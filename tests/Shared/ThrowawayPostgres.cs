using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace NetVirt.Testing;

/// <summary>
/// A PostgreSQL cluster of its own for tests, benchmarks and the lab: <c>initdb</c> (as the <c>postgres</c> user when
/// run as root, since PostgreSQL refuses to run as root) in a temporary directory, a server on a unix socket there and on
/// a free loopback port (or the address asked for), stopped and removed on dispose. Clusters left behind by a process
/// that died are stopped and removed by the next one. Compiled into the test, integration and bench projects.
/// </summary>
public sealed class ThrowawayPostgres : IDisposable
{
    private const string DirectoryPrefix = "netvirt-pg-";
    private readonly Process _server;
    private int _databases;

    private ThrowawayPostgres(string root, Process server, string listen, int port)
    {
        Root = root;
        _server = server;
        ListenAddress = listen;
        Port = port;
    }

    /// <summary>The cluster's directory (data, socket, log).</summary>
    public string Root { get; }

    /// <summary>The directory of the unix socket.</summary>
    public string SocketDirectory => Path.Combine(Root, "socket");

    /// <summary>The TCP address the server listens on.</summary>
    public string ListenAddress { get; }

    /// <summary>The TCP port (also the socket's number).</summary>
    public int Port { get; }

    /// <summary>The server's log.</summary>
    public string LogFile => Path.Combine(Root, "postgres.log");

    /// <summary>Where the binaries are (<c>/usr/lib/postgresql/N/bin</c>, the highest N), or null when PostgreSQL is not installed.</summary>
    public static string? BinDirectory => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
            .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")))
            .OrderByDescending(x => x.Version).Select(x => x.Dir).FirstOrDefault()
        : null;

    /// <summary>True when a cluster can be started here.</summary>
    public static bool Available => BinDirectory is not null && (!Environment.IsPrivilegedProcess || File.Exists("/usr/sbin/runuser"));

    /// <summary>
    /// Starts a cluster. <paramref name="durable"/> keeps fsync on (benchmarks); tests turn it off for speed.
    /// <paramref name="listen"/> is the TCP address (default loopback).
    /// </summary>
    public static ThrowawayPostgres Start(bool durable = false, string listen = "127.0.0.1", int? port = null)
    {
        var bin = BinDirectory ?? throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql; scripts/setup.sh does it)");
        ReapAbandoned(bin);
        var root = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(root, "socket"));
        File.WriteAllText(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var asPostgres = Environment.IsPrivilegedProcess;
        if (asPostgres)
        {
            Run("/usr/bin/chown", ["-R", "postgres:postgres", root]);
        }

        Run(Path.Combine(bin, "initdb"), ["-D", Path.Combine(root, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asPostgres);
        var chosenPort = port ?? FreePort(listen);
        var settings = new List<string>
        {
            "-D", Path.Combine(root, "data"), "-k", Path.Combine(root, "socket"), "-p", chosenPort.ToString(CultureInfo.InvariantCulture),
            "-c", $"listen_addresses={listen}", "-c", "max_connections=300", "-c", "shared_buffers=64MB",
        };
        if (!durable)
        {
            settings.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        var log = Path.Combine(root, "postgres.log");
        var start = Command(Path.Combine(bin, "postgres"), settings, asPostgres);
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        var server = Process.Start(start)!;
        var logWriter = new StreamWriter(log) { AutoFlush = true };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (logWriter) { logWriter.WriteLine(e.Data); } } };
        server.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (logWriter) { logWriter.WriteLine(e.Data); } } };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        var cluster = new ThrowawayPostgres(root, server, listen, chosenPort);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var c = new NpgsqlConnection(cluster.AdminConnectionString);
                c.Open();
                cluster.StartWatchdog();
                return cluster;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException && DateTime.UtcNow < deadline && !server.HasExited)
            {
                Thread.Sleep(100);
            }
            catch (Exception ex)
            {
                cluster.Dispose();
                throw new InvalidOperationException($"the throwaway PostgreSQL did not start: {ex.Message}; log: {(File.Exists(log) ? File.ReadAllText(log) : "none")}", ex);
            }
        }
    }

    /// <summary>Connection string of the <c>postgres</c> database over the unix socket.</summary>
    public string AdminConnectionString => $"Host={SocketDirectory};Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>Creates a database and returns its URI (over the unix socket), as <c>--db</c> takes it.</summary>
    public string CreateDatabase(string? name = null)
    {
        name ??= $"nvt_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        using var c = new NpgsqlConnection(AdminConnectionString);
        c.Open();
        using var command = c.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name}\"";
        command.ExecuteNonQuery();
        return UriOf(name);
    }

    /// <summary>The URI of database <paramref name="name"/> over the unix socket.</summary>
    public string UriOf(string name) => $"postgresql://postgres@/{name}?host={Uri.EscapeDataString(SocketDirectory)}&port={Port}";

    /// <summary>The URI of database <paramref name="name"/> over TCP.</summary>
    public string TcpUriOf(string name) => $"postgresql://postgres@{ListenAddress}:{Port}/{name}";

    /// <summary>Drops a database created by <see cref="CreateDatabase"/> (ending its sessions first).</summary>
    public void DropDatabase(string name)
    {
        NpgsqlConnection.ClearAllPools();
        using var c = new NpgsqlConnection(AdminConnectionString);
        c.Open();
        using var command = c.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        command.ExecuteNonQuery();
    }

    /// <summary>Stops the server (fast shutdown) and removes the cluster.</summary>
    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Stop(_server);
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The postmaster's process id (runuser, which started it as postgres, does not pass signals on).</summary>
    private int? Postmaster
    {
        get
        {
            var pidFile = Path.Combine(Root, "data", "postmaster.pid");
            return File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) && pid > 0 ? pid : null;
        }
    }

    /// <summary>
    /// A shell that stops the cluster and removes it when this process ends in any way (a killed test run never gets
    /// to dispose), checking once a second.
    /// </summary>
    private void StartWatchdog()
    {
        if (Postmaster is not { } postmaster)
        {
            return;
        }

        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; kill -INT {postmaster} 2>/dev/null; " +
            $"while kill -0 {postmaster} 2>/dev/null; do sleep 0.2; done; rm -rf '{Root}'";
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var watchdog = Process.Start(start);
    }

    private void Stop(Process server)
    {
        try
        {
            if (!server.HasExited)
            {
                // SIGINT = fast shutdown: sessions are ended, the cluster is left consistent. Sent to the postmaster
                // itself: runuser does not pass it on.
                _ = Interop.Kill(Postmaster ?? server.Id, 2);
                if (!server.WaitForExit(15_000))
                {
                    server.Kill(entireProcessTree: true);
                    server.WaitForExit();
                }
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Stops and removes clusters whose owning process is gone (a test run that was killed).</summary>
    private static void ReapAbandoned(string bin)
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var ownerFile = Path.Combine(dir, "owner.pid");
            if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile), out var owner) || Directory.Exists($"/proc/{owner}"))
            {
                continue;
            }

            var pidFile = Path.Combine(dir, "data", "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var postmaster) && postmaster > 0)
            {
                _ = Interop.Kill(postmaster, 3); // SIGQUIT: immediate shutdown
                for (var i = 0; i < 50 && Directory.Exists($"/proc/{postmaster}"); i++)
                {
                    Thread.Sleep(100);
                }
            }

            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        _ = bin;
    }

    private static int FreePort(string listen)
    {
        using var socket = new TcpListener(IPAddress.Parse(listen), 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }

    private static ProcessStartInfo Command(string file, IEnumerable<string> args, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "/usr/sbin/runuser" : file) { UseShellExecute = false };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", file])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LC_ALL"] = "C";
        return start;
    }

    private static void Run(string file, IEnumerable<string> args, bool asPostgres = false)
    {
        var start = Command(file, args, asPostgres);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr}{stdout.Result}");
        }
    }

    private static class Interop
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
