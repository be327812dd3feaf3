using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NetVirt.Cli;

namespace NetVirt.Integration.Api;

/// <summary>
/// The README's walk-through against a real <c>netvirt serve</c> process on a loopback port: a tenant network and ten
/// VNICs created over HTTP, seen by <c>netvirt show</c> on the database and by <c>netvirt --server</c>; the server
/// stops cleanly on SIGTERM, and refuses to listen beyond loopback without a token. Needs no root.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(Infrastructure.HostCollection.Name)] // starts server processes: kept away from the timing-sensitive tests (maxbw, audits)
public sealed partial class ServeProcessTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("netvirt-serve-test");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _work.Delete(recursive: true);
    }

    private string Database => Path.Combine(_work.FullName, "netvirt.db");

    private static Process Start(string token, params string[] args) => StartIn(null, token, args);

    private static Process StartIn(string? workingDirectory, string token, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netvirt.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NETVIRT_API_TOKEN"] = token;
        return Process.Start(start) ?? throw new InvalidOperationException("cannot start netvirt");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Serve_TenVnicsOverHttp_ShowSeesThem_SigtermStops_RunsWithoutTieredCompilation()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        using var server = Start("test-token", "--db", Database, "serve", "--urls", url, "--reconcile", "off");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                Assert.True(DateTime.UtcNow < deadline, "netvirt serve did not answer /healthz within 30 s");
                if (server.HasExited)
                {
                    Assert.Fail($"netvirt serve exited with {server.ExitCode}: {await server.StandardError.ReadToEndAsync()}");
                }

                try
                {
                    if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(100);
            }

            async Task PostAsync(string path, string json)
            {
                using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            // The daemon started itself again in place without tiered compilation (DaemonCompilation): same process id.
            Assert.Contains("DOTNET_TieredCompilation=0", File.ReadAllText($"/proc/{server.Id}/environ").Split('\0'));
            // ... and kept its name (ps, top, pgrep), not the "exe" of /proc/self/exe.
            Assert.Equal(Path.GetFileName(File.ResolveLinkTarget($"/proc/{server.Id}/exe", returnFinalTarget: true)!.FullName), File.ReadAllText($"/proc/{server.Id}/comm").Trim());

            await PostAsync("/etherstubs", """{"name": "stub0"}""");
            await PostAsync("/networks", """{"name": "acme", "tenant": "acme", "over": "stub0", "vlan": 100, "ipv4": {"subnet": "10.100.0.0/24", "gateway": "10.100.0.1"}}""");
            for (var i = 1; i <= 10; i++)
            {
                await PostAsync("/vnics", $$"""{"zone": "acme-c{{i}}", "network": "acme"}""");
            }

            var local = new StringWriter();
            Assert.Equal(ExitCodes.Ok, await Program.RunAsync(["--db", Database, "show", "vnics", "--output", "json"], local, new StringWriter()));
            var rows = JsonDocument.Parse(local.ToString()).RootElement;
            Assert.Equal(10, rows.GetArrayLength());
            Assert.Equal(10, rows.EnumerateArray().Select(r => r.GetProperty("addresses")[0].GetString()).Distinct().Count());

            var tokenFile = Path.Combine(_work.FullName, "client.tokens");
            File.WriteAllText(tokenFile, "write: test-token\n");
            File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var remote = new StringWriter();
            Assert.Equal(ExitCodes.Ok, await Program.RunAsync(["--server", url, "--token-file", tokenFile, "show", "vnics", "--output", "json"], remote, new StringWriter()));
            Assert.Equal(local.ToString(), remote.ToString());
        }
        finally
        {
            if (!server.HasExited)
            {
                // SIGTERM, as a service manager stops it; the server must stop by itself.
                Assert.Equal(0, Kill(server.Id, 15));
            }
        }

        using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await server.WaitForExitAsync(stopped.Token);
        Assert.Equal(0, server.ExitCode);
    }

    [Fact]
    public async Task Serve_StartedBesideItsDatabase_WatchesNoFiles()
    {
        // The defect: the host watched its content root, the working directory, recursively for appsettings.json. Started
        // from /, as a service manager starts it, that was an inotify watch on every directory of the host (28,809 on the
        // machine it was found on, and 1.8-4.7 s before the server answered); started beside its database, every commit
        // woke it up. The server reads no files of its own, so it must watch none.
        Directory.CreateDirectory(Path.Combine(_work.FullName, "a", "b"));
        var url = $"http://127.0.0.1:{FreePort()}";
        using var server = StartIn(_work.FullName, "", "--db", Database, "serve", "--urls", url, "--auth", "none", "--reconcile", "off");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            await WaitHealthyAsync(server, http);

            var watches = Directory.GetFiles($"/proc/{server.Id}/fdinfo")
                .Select(f => { try { return File.ReadAllLines(f); } catch (IOException) { return []; } })
                .Sum(lines => lines.Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal)));
            Assert.Equal(0, watches);
        }
        finally
        {
            if (!server.HasExited)
            {
                Assert.Equal(0, Kill(server.Id, 15));
            }

            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await server.WaitForExitAsync(stopped.Token);
        }
    }

    [Fact]
    public async Task Serve_NonLoopbackWithoutToken_RefusesToStart()
    {
        using var server = Start("", "--db", Database, "serve", "--urls", $"http://0.0.0.0:{FreePort()}", "--auth", "none");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.WaitForExitAsync(timeout.Token);
        Assert.Equal(ExitCodes.InvalidInput, server.ExitCode);
        Assert.Contains("refusing to listen on http://0.0.0.0", await server.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_UserInformationInTheUrl_IsRefusedInOneLine()
    {
        // The defect: http://x@127.0.0.1:PORT passed the loopback guard; Kestrel read the host 'x@127.0.0.1' and listened
        // on every interface, answering unauthenticated requests there.
        var url = $"http://x@127.0.0.1:{FreePort()}";
        using var server = Start("", "--db", Database, "serve", "--urls", url, "--auth", "none");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.WaitForExitAsync(timeout.Token);

        var errors = await server.StandardError.ReadToEndAsync();
        Assert.Equal(ExitCodes.InvalidInput, server.ExitCode);
        Assert.Contains("user information", errors, StringComparison.Ordinal);
        Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(Database));
    }

    [Fact]
    public async Task Serve_PortTaken_SaysSoInOneLineWithoutAStackTrace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        using var server = Start("", "--db", Database, "serve", "--urls", url, "--auth", "none", "--reconcile", "off");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.WaitForExitAsync(timeout.Token);

        var output = await server.StandardOutput.ReadToEndAsync();
        var errors = await server.StandardError.ReadToEndAsync();
        Assert.Equal(ExitCodes.Failure, server.ExitCode);
        Assert.Equal($"netvirt: cannot listen on {url}: the address is already in use; choose another address or port with --urls, or stop what listens there", errors.Trim());
        Assert.DoesNotContain("   at ", output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_FiftyThousandNestedBracketsInABody_Is422AndTheServerKeepsServing()
    {
        // The defect: PUT /state?dryRun=true with this body overflowed the server's stack and the process died.
        var url = $"http://127.0.0.1:{FreePort()}";
        using var server = Start("", "--db", Database, "serve", "--urls", url, "--auth", "none", "--reconcile", "off");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            await WaitHealthyAsync(server, http);

            using var response = await http.PutAsync("/state?dryRun=true", new StringContent(new string('[', 50_000), Encoding.UTF8, "application/yaml"));

            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains("document.too-deep", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(server.HasExited);
            Assert.True((await http.GetAsync("/healthz")).IsSuccessStatusCode);
        }
        finally
        {
            if (!server.HasExited)
            {
                Assert.Equal(0, Kill(server.Id, 15));
            }

            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await server.WaitForExitAsync(stopped.Token);
        }
    }

    private static async Task WaitHealthyAsync(Process server, HttpClient http)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "netvirt serve did not answer /healthz within 30 s");
            if (server.HasExited)
            {
                Assert.Fail($"netvirt serve exited with {server.ExitCode}: {await server.StandardError.ReadToEndAsync()}");
            }

            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
