using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net;
using System.Text.Json;
using System.Text;
using NetVirt.Integration.Infrastructure;
using NetVirt.Testing;

namespace NetVirt.Integration.Api;

/// <summary>
/// The README's walk-through to the end, on this host: a real <c>netvirt serve</c> process (test prefix) gets a
/// tenant network and ten VNICs over HTTP, applies them through its reconcile service (namespaces appear with the
/// allocated addresses), reports no drift, audits clean, and destroys everything it made.
/// </summary>
[Collection(HostCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServeApplyTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("netvirt-serve-apply");
    private readonly string _prefix = TestPrefix.Any();

    public void Dispose()
    {
        // Whatever the test left: remove every object of its prefix through the CLI, then the files.
        using var destroy = Process.Start(Start("destroy", "--auto-approve"))!;
        destroy.WaitForExit(60_000);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _work.Delete(recursive: true);
    }

    private ProcessStartInfo Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netvirt.dll"));
        start.ArgumentList.Add("--db");
        start.ArgumentList.Add(Path.Combine(_work.FullName, "netvirt.db"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NETVIRT_PREFIX"] = _prefix;
        start.Environment["NETVIRT_API_TOKEN"] = "apply-test-token";
        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string[] Namespaces(string prefix)
    {
        using var ip = Process.Start(new ProcessStartInfo("ip", "netns list") { RedirectStandardOutput = true })!;
        var output = ip.StandardOutput.ReadToEnd();
        ip.WaitForExit();
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).Where(n => n.StartsWith(prefix + "-", StringComparison.Ordinal))];
    }

    [LinuxRootFact]
    public async Task Serve_NetworkAndTenVnics_AppliedAuditedDestroyed()
    {
        Prerequisites.EnsureAvailable();
        var url = $"http://127.0.0.1:{FreePort()}";
        using var server = Process.Start(Start("serve", "--urls", url, "--reconcile", "off"))!;
        server.OutputDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(3) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "apply-test-token");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                Assert.True(DateTime.UtcNow < deadline && !server.HasExited, "netvirt serve did not come up");
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

            StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
            await JsonAsync(await http.PostAsync("/etherstubs", Json("""{"name": "stub0"}""")));
            await JsonAsync(await http.PostAsync("/networks", Json("""{"name": "acme", "over": "stub0", "vlan": 100, "ipv4": {"subnet": "10.231.0.0/24", "gateway": "10.231.0.1"}}""")));
            var addresses = new List<string>();
            for (var i = 1; i <= 10; i++)
            {
                var vnic = await JsonAsync(await http.PostAsync("/vnics", Json($$"""{"zone": "c{{i}}", "network": "acme"}""")));
                addresses.Add(vnic.GetProperty("addresses")[0].GetString()!);
            }

            var apply = await http.PostAsync("/apply", null);
            Assert.Equal(HttpStatusCode.Accepted, apply.StatusCode);
            var run = await JsonAsync(await http.GetAsync(apply.Headers.Location!.OriginalString + "?wait=120"));
            Assert.True(run.GetProperty("state").GetString() == "succeeded", run.GetRawText());
            var zones = Namespaces(_prefix).Where(n => n.StartsWith(_prefix + "-z-", StringComparison.Ordinal)).ToList();
            Assert.Equal(10, zones.Count);

            Assert.Equal(0, (await JsonAsync(await http.GetAsync("/drift"))).GetProperty("drift").GetArrayLength());
            var audit = await http.PostAsync("/audit", null);
            Assert.Equal(HttpStatusCode.Accepted, audit.StatusCode);
            var report = await JsonAsync(await http.GetAsync(audit.Headers.Location!.OriginalString + "?wait=120"));
            Assert.True(report.GetProperty("report").GetProperty("clean").GetBoolean(), report.GetProperty("report").GetProperty("findings").GetRawText());

            var destroy = await http.PostAsync("/destroy", null);
            var destroyed = await JsonAsync(await http.GetAsync(destroy.Headers.Location!.OriginalString + "?wait=120"));
            Assert.Equal("succeeded", destroyed.GetProperty("state").GetString());
            Assert.Empty(Namespaces(_prefix));
            Assert.Equal(10, addresses.Distinct().Count());
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
    }
}
