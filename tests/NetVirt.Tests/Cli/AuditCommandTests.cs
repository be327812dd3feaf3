using System.Text.Json;
using NetVirt.Audit.Topology;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Cli;
using NetVirt.Cli.Commands;
using NetVirt.Reconciliation.Auditing;
using NetVirt.Tests.Audit.Runs;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Cli;

/// <summary><c>netvirt audit</c> in process, over the simulated fabric instead of libpcap.</summary>
[Collection(nameof(AuditCommandTests))]
public sealed class AuditCommandTests : IDisposable
{
    private readonly TempDatabase db = new();
    private readonly string reports = Path.Combine(Path.GetTempPath(), "netvirt-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        AuditCommand.AuditorFactory = AuditCommand.HostAuditorFactory;
        db.Dispose();
        if (Directory.Exists(reports))
        {
            Directory.Delete(reports, recursive: true);
        }
    }

    private async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Program.RunAsync(["--db", db.Path, .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private async Task<FakeFabric> StoredSampleOnFabricAsync()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("apply", "--store-only", "-f", RepoPaths.MultiTenantSample)).Exit);
        var store = db.Open();
        var fabric = new FakeFabric(AuditTopology.FromModel(store.Load().Resolved, new LinuxNaming("nvt1")));
        AuditCommand.AuditorFactory = context => new Auditor(context.Store, fabric, fabric, "nvt1");
        return fabric;
    }

    [Fact]
    public async Task Audit_HealthyHost_PrintsMatrixWritesReportsAndExitsZero()
    {
        await StoredSampleOnFabricAsync();

        var (exit, output, errors) = await Run("audit", "--report-dir", reports);

        Assert.True(exit == ExitCodes.Ok, output + errors);
        Assert.Contains("Audited 10 VNICs, 90 ordered pairs", output, StringComparison.Ordinal);
        Assert.Contains("acme-web1/net0", output, StringComparison.Ordinal);
        Assert.Contains("CLEAN", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(reports, "report.html")));
        Assert.True(File.Exists(Path.Combine(reports, "junit.xml")));
        Assert.True(File.Exists(Path.Combine(reports, "report.json")));
    }

    [Fact]
    public async Task Audit_JoinedTenants_ListsLeaksWithReasonAndExitsFour()
    {
        var fabric = await StoredSampleOnFabricAsync();
        var topology = AuditTopology.FromModel(db.Open().Load().Resolved, new LinuxNaming("nvt1"));
        fabric.Join(fabric.DomainIndex(topology.Endpoints.First(e => e.Zone == "acme-web1")), fabric.DomainIndex(topology.Endpoints.First(e => e.Zone == "globex-app1")));

        var (exit, output, _) = await Run("audit", "--report-dir", reports);

        Assert.Equal(ExitCodes.Findings, exit);
        Assert.Contains("LEAK acme-web1/net0 -> globex-app1/net0 [arp-unicast]", output, StringComparison.Ordinal);
        Assert.Contains("expected isolated: VLAN 100 vs 200 on etherstub stub0", output, StringComparison.Ordinal);
        Assert.Contains("evidence " + Path.Combine(reports, "evidence"), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_JsonOutput_IsTheReportDocument()
    {
        await StoredSampleOnFabricAsync();

        var (exit, output, _) = await Run("audit", "--output", "json", "--no-reports");

        Assert.Equal(ExitCodes.Ok, exit);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("clean").GetBoolean());
        Assert.Equal(90, json.RootElement.GetProperty("matrix").GetArrayLength());
        Assert.False(Directory.Exists(reports));
    }

    [Fact]
    public async Task Audit_IllumosTarget_ClearErrorAndExitOne()
    {
        var (exit, _, errors) = await Run("audit", "--target", "illumos");

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("cannot audit --target illumos", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyVerify_WithStoreOnly_IsInvalidInputAndChangesNothing()
    {
        var (exit, _, errors) = await Run("apply", "--verify", "--store-only", "-f", RepoPaths.MultiTenantSample);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("--verify", errors, StringComparison.Ordinal);
        Assert.Equal(0, db.Open().Generation());
    }
}
