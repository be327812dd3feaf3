using NetVirt.Audit.Capture;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Verdicts;
using NetVirt.Integration.Infrastructure;

namespace NetVirt.Integration.Audit;

/// <summary>The probe engine against a small topology built by hand after LinuxNaming (no Linux backend needed).</summary>
[Collection(HostCollection.Name)]
public sealed class IsolationAuditHandBuiltTests
{
    private static Task<AuditResult> AuditAsync(HandBuiltHost host) =>
        new IsolationAudit(new SharpPcapCaptureEngine(), new LinuxAuditHost()).RunAsync(host.Topology);

    private static string Describe(AuditResult result) => string.Join("\n", result.Findings.Select(f =>
        $"{FindingKinds.Name(f.Kind)} {result.Topology.Endpoints[f.Source].Name} -> {(f.Receiver < 0 ? "-" : result.Topology.Endpoints[f.Receiver].Name)} {ProbeKinds.Name(f.Probe)}: {f.Expected} / {f.Observed}"))
        + "\n" + string.Join("\n", result.Run.Notes);

    [LinuxRootFact]
    public async Task Audit_CleanTopology_NoFindingsAndTenantsIsolated()
    {
        await using var host = await HandBuiltHost.CreateAsync();
        var result = await AuditAsync(host);

        Assert.True(result.IsClean, Describe(result));
        var a1 = host.Endpoint("a1").Index;
        var a2 = host.Endpoint("a2").Index;
        var b1 = host.Endpoint("b1").Index;
        Assert.Equal(PairStatus.Reachable, result.Pair(a1, a2));
        Assert.Equal(PairStatus.Isolated, result.Pair(a1, b1));
        Assert.Equal(PairStatus.Isolated, result.Pair(b1, a2));
        Assert.Equal(CellState.Reached, result.Cell(a1, a2, AuditJudge.KindIndex(ProbeKind.Icmpv6Echo)));
        Assert.True(result.Run.Arrivals > 0);
    }

    [LinuxRootFact]
    public async Task Audit_VethJoiningTwoTenantBridges_LeaksBothWays()
    {
        await using var host = await HandBuiltHost.CreateAsync();
        await host.BridgeDomainsAsync("a1", "b1");
        var result = await AuditAsync(host);

        var a1 = host.Endpoint("a1").Index;
        var b1 = host.Endpoint("b1").Index;
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.Leak && f.Source == a1 && f.Receiver == b1 && f.Probe == ProbeKind.Icmpv4Echo);
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.Leak && f.Source == b1 && f.Receiver == a1 && f.Probe == ProbeKind.ArpBroadcast);
        Assert.Equal(PairStatus.Leak, result.Pair(a1, b1));
        var leak = result.Findings.First(f => f.Kind == FindingKind.Leak && f.Source == a1 && f.Receiver == b1);
        Assert.Contains("VLAN 100 vs 200", leak.Expected, StringComparison.Ordinal);
        Assert.True(leak.Frames.Count >= 2, "evidence: the frame sent and the frame captured");
    }

    [LinuxRootFact]
    public async Task Audit_ProtectionRemoved_SpoofPassesFromThatVnicOnly()
    {
        await using var host = await HandBuiltHost.CreateAsync();
        await host.RemoveProtectionAsync("a1");
        var result = await AuditAsync(host);

        var a1 = host.Endpoint("a1").Index;
        var a2 = host.Endpoint("a2").Index;
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.SpoofPassed && f.Source == a1 && f.Receiver == a2 && f.Probe == ProbeKind.SpoofSourceMac);
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.SpoofPassed && f.Source == a1 && f.Receiver == a2 && f.Probe == ProbeKind.SpoofSourceIpv4);
        Assert.All(result.Findings, f => Assert.Equal(a1, f.Source));
        Assert.DoesNotContain(result.Findings, f => f.Kind == FindingKind.Leak);
    }

    [LinuxRootFact]
    public async Task Audit_ZoneWithAddressOutsideAllowed_ReportsForeignAddress()
    {
        await using var host = await HandBuiltHost.CreateAsync();
        await NamespacePair.IpAsync("-n", host.Naming.ZoneNetns("a2"), "addr", "add", "10.82.0.99/24", "dev", "net0");
        var result = await AuditAsync(host);

        var a2 = host.Endpoint("a2").Index;
        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingKind.ForeignAddress, finding.Kind);
        Assert.Equal(a2, finding.Source);
        Assert.Contains("10.82.0.99", finding.Observed, StringComparison.Ordinal);
    }
}
