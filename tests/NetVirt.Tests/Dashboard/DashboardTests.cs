using System.Net;
using Microsoft.Playwright;
using NetVirt.Audit.Topology;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation.Auditing;
using NetVirt.Store;
using NetVirt.Tests.Api;
using NetVirt.Tests.Audit.Runs;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Dashboard;

/// <summary>
/// The dashboard end to end in Debian's chromium (Playwright for .NET, headless): a server on loopback with the
/// multi-tenant sample stored and an auditor over the fake fabric with two tenants joined; the test signs in, sees
/// the topology, runs an audit from the page, waits for its findings to arrive over server-sent events, opens a
/// finding and downloads its evidence, then signs out. Screenshots go to <c>NETVIRT_SCREENSHOTS</c> (the README's
/// are made with <c>NETVIRT_SCREENSHOTS=docs/images</c>), else next to the test binary.
/// </summary>
public sealed class DashboardTests
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private static string ScreenshotDir()
    {
        var dir = Environment.GetEnvironmentVariable("NETVIRT_SCREENSHOTS") is { Length: > 0 } d
            ? Path.GetFullPath(d, RepoPaths.Root)
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static Auditor JoinedTenantsAuditor(NetVirtStore store)
    {
        var topology = AuditTopology.FromModel(store.Load().Resolved, new LinuxNaming("nvt1"));
        var fabric = new FakeFabric(topology);
        // A foreign link between acme's VLAN and globex's: the audit must show LEAKs with evidence.
        fabric.Join(fabric.DomainIndex(topology.Endpoints.First(e => e.Zone == "acme-web1")), fabric.DomainIndex(topology.Endpoints.First(e => e.Zone == "globex-app1")));
        return new Auditor(store, fabric, fabric, "nvt1");
    }

    [ChromiumFact]
    public async Task Dashboard_SignIn_Topology_Audit_FindingEvidence()
    {
        // The simulated host behind the reconcile service has the sample's zones, so an apply can run.
        var zones = Models.Sample().Zones.Select(z => z.Name);
        await using var api = await ApiTestHost.StartAsync(loopback: true, options: o => o with { Target = HostTarget.Linux, Prefix = "nvt1" }, auditor: JoinedTenantsAuditor, zones: zones);
        using (var put = new HttpRequestMessage(HttpMethod.Put, "/state") { Content = new StringContent(await File.ReadAllTextAsync(RepoPaths.MultiTenantSample), System.Text.Encoding.UTF8, "application/yaml") })
        {
            var stored = await api.Client.SendAsync(put);
            Assert.True(stored.StatusCode == HttpStatusCode.OK, await stored.Content.ReadAsStringAsync());
        }

        var shots = ScreenshotDir();
        Assertions.SetDefaultExpectTimeout(90_000);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.Executable,
            Headless = true,
            Args = ChromiumArgs,
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 860 }, AcceptDownloads = true });
        context.SetDefaultTimeout(90_000);
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text);
            }
        };

        // Sign in: a wrong token is refused, the write token opens the dashboard.
        await page.GotoAsync(api.Url + "/ui/");
        await page.FillAsync("#token", "not-a-token");
        await page.ClickAsync("#sign-in");
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("not one of the server's tokens");
        await page.FillAsync("#token", ApiTestHost.WriteToken);
        await page.ClickAsync("#sign-in");

        // The topology: networks, routers and zones as a picture; a zone's details on selection.
        var zone = page.Locator("#topology-view [data-id='zone:acme-db1']");
        await Assertions.Expect(zone).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#topology-view [data-id='network:globex']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#topology-view [data-id='router:acme']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#status-live")).ToHaveTextAsync("live");
        await zone.ClickAsync();
        await Assertions.Expect(page.Locator("#node-details h4")).ToHaveTextAsync("zone acme-db1");
        await Assertions.Expect(page.Locator("#node-details")).ToContainTextAsync("192.168.50.100");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-topology.png") });

        // IPAM: utilisation per network and family, free ranges on selection.
        await page.ClickAsync("#tabs a[data-tab='ipam']");
        var acme = page.Locator("#ipam-table tbody tr[data-network='acme'][data-family='ipv4']");
        await Assertions.Expect(acme).ToContainTextAsync("10.100.0.0/24");
        await acme.ClickAsync();
        await Assertions.Expect(page.Locator("#ipam-table .ranges-row")).ToContainTextAsync("free range");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-addresses.png") });

        // The audit, started from the page; its findings arrive over the event stream.
        await page.ClickAsync("#tabs a[data-tab='audit']");
        await page.ClickAsync("#audit-run");
        var leak = page.Locator("#audit-findings li", new PageLocatorOptions { HasText = "acme-web1/net0 → globex-app1/net0" }).First;
        await Assertions.Expect(leak).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#audit-heatmap td.s-leak").First).ToBeVisibleAsync();
        await leak.ClickAsync();
        await Assertions.Expect(page.Locator("#finding-details")).ToContainTextAsync("expected");
        var evidence = page.Locator("#evidence-download");
        await Assertions.Expect(evidence).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-audit.png") });

        var download = await page.RunAndWaitForDownloadAsync(() => evidence.ClickAsync());
        Assert.Matches(@"LEAK.*\.pcap(ng)?$", download.SuggestedFilename);
        var saved = Path.Combine(api.Database.Directory, download.SuggestedFilename);
        await download.SaveAsAsync(saved);
        var magic = BitConverter.ToUInt32(await File.ReadAllBytesAsync(saved), 0);
        Assert.True(magic is 0xA1B2C3D4 or 0xD4C3B2A1 or 0xA1B23C4D or 0x4D3CB2A1 or 0x0A0D0D0A, $"not a pcap or pcapng file: magic {magic:X8}");

        // Drift, and an apply arriving live in runs and history with its steps.
        await page.ClickAsync("#tabs a[data-tab='drift']");
        await page.ClickAsync("#drift-check");
        await Assertions.Expect(page.Locator("#drift-summary")).ToContainTextAsync("difference(s) from generation 1");
        Assert.True(await page.Locator("#drift-table tbody tr").CountAsync() > 10);
        Assert.Equal(HttpStatusCode.Accepted, (await api.Client.PostAsync("/apply", null)).StatusCode);
        await page.ClickAsync("#tabs a[data-tab='runs']");
        await Assertions.Expect(page.Locator("#runs-table tbody tr", new PageLocatorOptions { HasText = "apply" }).First).ToContainTextAsync("succeeded");
        await page.ClickAsync("#tabs a[data-tab='history']");
        var journal = page.Locator("#history-table tbody tr").First;
        await Assertions.Expect(journal).ToContainTextAsync("succeeded");
        await journal.ClickAsync();
        await Assertions.Expect(page.Locator("#history-steps h3")).ToContainTextAsync("succeeded");

        // The token stays out of URLs and is gone after signing out.
        Assert.DoesNotContain(ApiTestHost.WriteToken, page.Url, StringComparison.Ordinal);
        Assert.Equal(ApiTestHost.WriteToken, await page.EvaluateAsync<string>("sessionStorage.getItem('netvirt.token')"));
        await page.ClickAsync("#sign-out");
        await Assertions.Expect(page.Locator("#login")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('netvirt.token')"));
        Assert.DoesNotContain(consoleErrors, e => !e.Contains("401", StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task Dashboard_ReadToken_LooksButCannotRunAnAudit()
    {
        await using var api = await ApiTestHost.StartAsync(loopback: true, options: o => o with { Target = HostTarget.Linux, Prefix = "nvt1" }, auditor: JoinedTenantsAuditor);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumFactAttribute.Executable, Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(90_000);
        await page.GotoAsync(api.Url + "/ui/#audit");
        await page.FillAsync("#token", ApiTestHost.ReadToken);
        await page.ClickAsync("#sign-in");
        await Assertions.Expect(page.Locator("#audit-summary")).ToContainTextAsync("no audit since the server started");
        await page.ClickAsync("#audit-run");
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("needs the write token");
        Assert.Equal(0, (await api.GetJsonAsync("/audits")).GetArrayLength());
        // An empty store draws an empty picture, not an error.
        await page.ClickAsync("#tabs a[data-tab='topology']");
        await Assertions.Expect(page.Locator("#topology-summary")).ToContainTextAsync("0 networks");
    }
}
