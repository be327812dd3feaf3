using NetVirt.Audit.Capture;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Reports;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Topology;
using NetVirt.Audit.Verdicts;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Documents;
using NetVirt.Integration.Infrastructure;
using NetVirt.Integration.Linux;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation.Auditing;

namespace NetVirt.Integration.Audit;

/// <summary>
/// The audit end to end: the shipped sample applied by the real Linux backend under a test prefix, audited clean, then
/// each fault made by hand on objects of that prefix and found with the right kind and pair; and apply --verify
/// rolling back a run the audit rejects.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class SampleAuditTests
{
    private static Auditor AuditorOf(LinuxLab lab) => new(lab.Store, new SharpPcapCaptureEngine(), new LinuxAuditHost(), lab.Prefix);

    private static async Task<(LinuxLab Lab, AuditResult Clean)> AppliedAsync()
    {
        var lab = await LinuxLab.CreateAsync();
        try
        {
            var report = await lab.ApplyAsync();
            Assert.True(report.Succeeded, report.Error);
            return (lab, await AuditorOf(lab).RunAsync(null, null, CancellationToken.None));
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private static int I(AuditResult result, string name) => result.Topology.Endpoints.Single(e => e.Name == name).Index;

    private static string Describe(AuditResult result) => string.Join("\n", result.Findings.Select(f =>
        $"{FindingKinds.Name(f.Kind)} {result.Topology.Endpoints[f.Source].Name} -> {(f.Receiver < 0 ? "-" : result.Topology.Endpoints[f.Receiver].Name)} {ProbeKinds.Name(f.Probe)}: {f.Expected} / {f.Observed}"))
        + "\n" + string.Join("\n", result.Run.Notes);

    private static bool Has(AuditResult result, FindingKind kind, string from, string? to, ProbeKind? probe = null) =>
        result.Findings.Any(f => f.Kind == kind && f.Source == I(result, from) && (to is null ? f.Receiver < 0 : f.Receiver == I(result, to)) && (probe is null || f.Probe == probe));

    private static string Bridge(LinuxLab lab, int vlan) => new LinuxNaming(lab.Prefix).Bridge("stub0", vlan);

    private static string HostEnd(LinuxLab lab, string zone) => new LinuxNaming(lab.Prefix).VnicHostEnd(zone, "net0");

    private static async Task<AuditResult> AuditAgainAsync(LinuxLab lab) => await AuditorOf(lab).RunAsync(null, null, CancellationToken.None);

    [LinuxRootFact]
    public async Task Sample_Applied_AuditsClean_WithTheTenantMatrix()
    {
        var (lab, result) = await AppliedAsync();
        await using var _ = lab;

        Assert.True(result.IsClean, Describe(result));
        Assert.Equal(90, result.Topology.PairCount);
        Assert.Equal(PairStatus.Reachable, result.Pair(I(result, "acme-web1/net0"), I(result, "acme-db1/net0")));
        Assert.Equal(PairStatus.Reachable, result.Pair(I(result, "ops-console1/net0"), I(result, "acme-db1/net1")));
        Assert.Equal(PairStatus.Isolated, result.Pair(I(result, "acme-web1/net0"), I(result, "globex-app1/net0")));
        Assert.Equal(PairStatus.Isolated, result.Pair(I(result, "initech-api1/net0"), I(result, "ops-console1/net0")));
        Assert.Equal(CellState.Reached, result.Cell(I(result, "globex-app1/net0"), I(result, "globex-app2/net0"), AuditJudge.KindIndex(ProbeKind.Icmpv6Echo)));
        Assert.Equal("isolated: VLAN 100 vs 200 on etherstub stub0", PathText(result, "acme-web1/net0", "globex-app1/net0"));
        Assert.Empty(result.Run.Notes);

        // The host's side of every bridge a zone is plugged into was watched, and received nothing.
        Assert.Equal(result.Topology.Bridges.Select(b => b.Name).Order(StringComparer.Ordinal), result.Run.HostBridges);
    }

    [LinuxRootFact]
    public async Task Fault_HostIsolationRuleRemoved_EveryZoneReachesTheHost_OneCausePerBridge()
    {
        var (lab, clean) = await AppliedAsync();
        await using var _ = lab;
        Assert.True(clean.IsClean, Describe(clean));

        var (exit, _, stderr) = await NamespacePair.RunAsync("/usr/sbin/nft", "flush", "chain", "bridge", lab.Prefix, "input");
        Assert.True(exit == 0, stderr);
        var result = await AuditAgainAsync(lab);

        Assert.All(result.Findings, f => Assert.Equal(FindingKind.HostReached, f.Kind));
        var bridged = result.Topology.Endpoints.Where(e => e.HostEnd is not null).Select(e => e.Index).Order();
        Assert.Equal(bridged, result.Findings.Where(f => f.Probe == ProbeKind.ArpBroadcast).Select(f => f.Source).Order());
        Assert.True(Has(result, FindingKind.HostReached, "acme-web1/net0", null, ProbeKind.ArpBroadcast), Describe(result));
        Assert.Equal(Bridge(lab, 100), result.Findings.First(f => f.Source == I(result, "acme-web1/net0")).HostInterface);
        Assert.True(result.BreaksIsolation);
        Assert.All(result.Causes, c => Assert.Equal(CauseKind.HostReachable, c.Kind));
        Assert.Equal(result.Findings.Select(f => f.HostInterface).Distinct().Count(), result.Causes.Count);
    }

    private static string PathText(AuditResult result, string from, string to) =>
        NetVirt.Audit.Expectations.PathRules.Explain(
            NetVirt.Audit.Expectations.PathRules.Layer2(result.Topology.Endpoints[I(result, from)], result.Topology.Endpoints[I(result, to)]),
            result.Topology.Endpoints[I(result, from)], result.Topology.Endpoints[I(result, to)]);

    [LinuxRootTsharkFact]
    public async Task Fault_VethBridgingTwoTenantBridges_IsOneCauseNamingTheVethAndEvidenceOpensInTshark()
    {
        var (lab, clean) = await AppliedAsync();
        await using var _ = lab;
        Assert.True(clean.IsClean, Describe(clean));

        await NamespacePair.IpAsync("link", "add", lab.Prefix + "-xa", "type", "veth", "peer", "name", lab.Prefix + "-xb");
        await NamespacePair.IpAsync("link", "set", lab.Prefix + "-xa", "master", Bridge(lab, 100), "up");
        await NamespacePair.IpAsync("link", "set", lab.Prefix + "-xb", "master", Bridge(lab, 200), "up");
        var result = await AuditAgainAsync(lab);

        Assert.True(Has(result, FindingKind.Leak, "acme-web1/net0", "globex-app1/net0", ProbeKind.ArpUnicast), Describe(result));
        Assert.True(Has(result, FindingKind.Leak, "globex-app2/net0", "acme-db1/net0", ProbeKind.ArpBroadcast), Describe(result));
        Assert.DoesNotContain(result.Findings, f => f.Receiver >= 0 && result.Topology.Endpoints[f.Receiver].Zone.StartsWith("initech", StringComparison.Ordinal));
        Assert.All(result.Findings, f => Assert.Equal(FindingKind.Leak, f.Kind));

        // One cause, found by reading the bridges' ports: the veth pair, both ends named.
        var cause = Assert.Single(result.Causes);
        Assert.Equal(CauseKind.DomainsJoined, cause.Kind);
        Assert.Equal(result.Findings.Count, cause.Findings.Count);
        Assert.Contains($"the veth pair {lab.Prefix}-xa (on bridge {Bridge(lab, 100)}) and {lab.Prefix}-xb (on bridge {Bridge(lab, 200)}) joins them", cause.Explanation, StringComparison.Ordinal);
        Assert.Equal(lab.Prefix, result.Header!.Prefix);
        Assert.Equal(lab.Store.Database.Path, result.Header.Database);
        Assert.Equal(lab.Store.Generation(), result.Header.Generation);

        // The evidence opens in tshark with the capture points named after zone/VNIC and namespace, the probe first.
        var directory = Directory.CreateTempSubdirectory(lab.Prefix + "-reports-").FullName;
        try
        {
            var reports = ReportDirectory.Write(result, directory);
            var leak = result.Findings.First(f => f.Probe == ProbeKind.ArpUnicast && f.Frames.Count >= 2);
            var file = Path.Combine(reports.Path, "evidence", AuditText.EvidenceName(result, leak, result.Findings.ToList().IndexOf(leak) + 1));
            var (exit, stdout, stderr) = await Tshark.RunAsync("-r", file, "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name", "-e", "frame.comment");
            Assert.True(exit == 0, stderr);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var source = result.Topology.Endpoints[leak.Source];
            var receiver = result.Topology.Endpoints[leak.Receiver];
            Assert.Equal(leak.Frames.Count, lines.Length);
            Assert.StartsWith($"{source.Name}@{source.Netns}|LEAK probe arp-unicast", lines[0], StringComparison.Ordinal);
            Assert.Contains($"as sent from {source.Name}", lines[0], StringComparison.Ordinal);
            Assert.All(lines.Skip(1), line => Assert.StartsWith($"{receiver.Name}@{receiver.Netns}|LEAK probe arp-unicast", line, StringComparison.Ordinal));
            Assert.All(lines.Skip(1), line => Assert.Contains($"as captured at {receiver.Name}", line, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [LinuxRootFact]
    public async Task Fault_VnicMovedToTheWrongBridge_LeaksIntoTheOtherTenantAndBlackholesItsOwn()
    {
        var (lab, clean) = await AppliedAsync();
        await using var _ = lab;
        Assert.True(clean.IsClean, Describe(clean));

        await NamespacePair.IpAsync("link", "set", HostEnd(lab, "acme-web1"), "master", Bridge(lab, 200));
        var result = await AuditAgainAsync(lab);

        Assert.True(Has(result, FindingKind.Leak, "acme-web1/net0", "globex-app1/net0", ProbeKind.ArpUnicast), Describe(result));
        Assert.True(Has(result, FindingKind.Leak, "globex-app2/net0", "acme-web1/net0", ProbeKind.ArpBroadcast), Describe(result));
        Assert.True(Has(result, FindingKind.Blackhole, "acme-web1/net0", "acme-web2/net0", ProbeKind.Icmpv4Echo), Describe(result));
        Assert.True(Has(result, FindingKind.Blackhole, "acme-db1/net0", "acme-web1/net0", ProbeKind.Icmpv6Echo), Describe(result));
        Assert.All(result.Findings, f => Assert.True(f.Source == I(result, "acme-web1/net0") || f.Receiver == I(result, "acme-web1/net0"), Describe(result)));
        var cause = Assert.Single(result.Causes);
        Assert.Equal(CauseKind.VnicOnWrongBridge, cause.Kind);
        Assert.Equal([HostEnd(lab, "acme-web1")], cause.ForeignPorts.Select(p => p.Name));
    }

    // The stratified audit's promise, on the real kernel: a class's verdicts stand for all its members because every
    // member, representative or not, sends probes to its ring peer and receives its domain's broadcasts, so one port
    // plugged into the wrong bridge is found whichever member it is (either alone finds it here: with the ring probes
    // switched off the test still passes). Each member of every class with more than one is moved in turn, and put back.
    [LinuxRootFact]
    public async Task Stratified_AnyOneMemberOfAClassOnTheWrongBridge_IsFoundAndNamed()
    {
        var (lab, clean) = await AppliedAsync();
        await using var _ = lab;
        Assert.True(clean.IsClean, Describe(clean));
        var stratified = AuditOptions.Default with { Mode = AuditMode.Stratified };
        var healthy = await AuditorOf(lab).RunAsync(stratified, null, CancellationToken.None);
        Assert.Equal(AuditMode.Stratified, healthy.Mode);
        Assert.True(healthy.IsClean, Describe(healthy));
        var members = healthy.Classes.All.Where(c => c.Members.Count > 1).SelectMany(c => c.Members)
            .Select(m => healthy.Topology.Endpoints[m]).Where(e => e.HostEnd is not null).ToList();
        Assert.True(healthy.Classes.Count < healthy.Topology.Endpoints.Count && members.Count >= 4, $"{members.Count} members of shared classes");

        foreach (var moved in members)
        {
            var home = Path.GetFileName(new DirectoryInfo($"/sys/class/net/{moved.HostEnd}/master").ResolveLinkTarget(true)!.FullName);
            var wrong = healthy.Topology.Bridges.Select(b => b.Name).First(b => b != home);
            await NamespacePair.IpAsync("link", "set", moved.HostEnd!, "master", wrong);
            try
            {
                var result = await AuditorOf(lab).RunAsync(stratified, null, CancellationToken.None);

                var name = moved.Name;
                Assert.True(result.Findings.Any(f => f.Kind == FindingKind.Blackhole && (f.Source == moved.Index || f.Receiver == moved.Index)), name + ":\n" + Describe(result));
                Assert.True(result.Findings.Any(f => f.Kind == FindingKind.Leak && (f.Source == moved.Index || f.Receiver == moved.Index)), name + ":\n" + Describe(result));
                Assert.All(result.Findings, f => Assert.True(f.Source == moved.Index || f.Receiver == moved.Index, name + ":\n" + Describe(result)));
                var cause = Assert.Single(result.Causes);
                Assert.Equal(CauseKind.VnicOnWrongBridge, cause.Kind);
                Assert.Equal([moved.HostEnd], cause.ForeignPorts.Select(p => p.Name));
            }
            finally
            {
                await NamespacePair.IpAsync("link", "set", moved.HostEnd!, "master", home);
            }
        }
    }

    [LinuxRootFact]
    public async Task Fault_ProtectionRemovedFromOneVnic_SpoofPassesFromItOnly()
    {
        var (lab, clean) = await AppliedAsync();
        await using var _ = lab;
        Assert.True(clean.IsClean, Describe(clean));

        var port = HostEnd(lab, "acme-web1");
        foreach (var set in new[] { "mac_ports", "ip_ports" })
        {
            var (exit, _, stderr) = await NamespacePair.RunAsync("/usr/sbin/nft", "delete", "element", "bridge", lab.Prefix, set, $"{{ \"{port}\" }}");
            Assert.True(exit == 0, stderr);
        }

        var result = await AuditAgainAsync(lab);

        Assert.True(Has(result, FindingKind.SpoofPassed, "acme-web1/net0", "acme-web2/net0", ProbeKind.SpoofSourceMac), Describe(result));
        Assert.True(Has(result, FindingKind.SpoofPassed, "acme-web1/net0", "acme-db1/net0", ProbeKind.SpoofSourceIpv4), Describe(result));
        Assert.True(Has(result, FindingKind.SpoofPassed, "acme-web1/net0", "acme-web2/net0", ProbeKind.SpoofArpSender), Describe(result));
        Assert.All(result.Findings, f => Assert.Equal((FindingKind.SpoofPassed, I(result, "acme-web1/net0")), (f.Kind, f.Source)));
    }

    [LinuxRootFact]
    public async Task Fault_ZoneGivenAddressOutsideItsAllowedIps_IsForeignAddress()
    {
        var (lab, clean) = await AppliedAsync();
        await using var _ = lab;
        Assert.True(clean.IsClean, Describe(clean));

        await NamespacePair.IpAsync("-n", lab.Netns("acme-web2"), "addr", "add", "10.200.0.77/24", "dev", "net0");
        var result = await AuditAgainAsync(lab);

        Assert.True(Has(result, FindingKind.ForeignAddress, "acme-web2/net0", null), Describe(result));
        var finding = Assert.Single(result.Findings);
        Assert.Contains("10.200.0.77", finding.Observed, StringComparison.Ordinal);
        Assert.Contains("ip-nospoof drops it", finding.Observed, StringComparison.Ordinal);
    }

    [LinuxRootFact]
    public async Task Fault_BridgesTrunkingTaggedFrames_IsVlanHopIntoTheOtherVlan()
    {
        var (lab, clean) = await AppliedAsync();
        await using var _ = lab;
        Assert.True(clean.IsClean, Describe(clean));

        // A trunk between the VLAN 100 and VLAN 200 bridges that carries only 802.1Q-tagged frames.
        var (a, b) = (lab.Prefix + "-xa", lab.Prefix + "-xb");
        await NamespacePair.IpAsync("link", "add", a, "type", "veth", "peer", "name", b);
        var table = lab.Prefix + "x";
        var rules = $"table bridge {table} {{\n  chain forward {{\n    type filter hook forward priority 0; policy accept;\n    iifname {{ \"{a}\", \"{b}\" }} ether type != 8021q drop\n    oifname {{ \"{a}\", \"{b}\" }} ether type != 8021q drop\n  }}\n}}\n";
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, rules);
            var (exit, _, stderr) = await NamespacePair.RunAsync("/usr/sbin/nft", "-f", file);
            Assert.True(exit == 0, stderr);
            await NamespacePair.IpAsync("link", "set", a, "master", Bridge(lab, 100), "up");
            await NamespacePair.IpAsync("link", "set", b, "master", Bridge(lab, 200), "up");
            var result = await AuditAgainAsync(lab);

            Assert.True(Has(result, FindingKind.VlanHop, "acme-web1/net0", "globex-app1/net0", ProbeKind.VlanTagged), Describe(result));
            Assert.True(Has(result, FindingKind.VlanHop, "globex-app2/net0", "acme-web2/net0", ProbeKind.VlanDoubleTagged), Describe(result));
            Assert.DoesNotContain(result.Findings, f => f.Kind == FindingKind.Leak);
        }
        finally
        {
            File.Delete(file);
            await NamespacePair.RunAsync("/usr/sbin/nft", "delete", "table", "bridge", table);
        }
    }

    [LinuxRootFact]
    public async Task ApplyVerify_RunWiresAZoneIntoAnotherTenant_IsRolledBackAndTheStoredStateRestored()
    {
        // A backend that puts the new zone acme-web3 on globex's bridge: the run succeeds, the audit finds the LEAK,
        // so the run is undone (the zone goes away) and the stored state is the earlier one again.
        var prefix = "";
        await using var lab = await LinuxLab.CreateAsync(decorate: real => new MiswiringBackend(
            real, "acme-web3", () => new LinuxNaming(prefix).VnicHostEnd("acme-web3", "net0"), () => new LinuxNaming(prefix).Bridge("stub0", 200)));
        prefix = lab.Prefix;
        Assert.True((await lab.ApplyAsync()).Succeeded);
        var previous = lab.Store.Load();
        var extra = DocumentLoader.Load("extra.yaml", """
            zones:
              - name: acme-web3
                vnics:
                  - { name: net0, network: acme, addresses: [ { tag: v4, address: auto, family: ipv4 } ] }
            """).Model;
        var auditor = AuditorOf(lab);
        var verified = new VerifiedApply(lab.Reconciler, lab.Store, ct => auditor.RunAsync(null, null, ct));
        var baseline = await verified.BaselineAsync(CancellationToken.None);
        Assert.True(baseline.Audit!.IsClean, Describe(baseline.Audit));
        lab.Store.Replace(previous.Authored with { Zones = [.. previous.Authored.Zones, .. extra.Zones] }, HostTarget.Linux);

        var outcome = await verified.RunAsync(previous, baseline, HostTarget.Linux, new ApplyOptions { Trigger = "test" }, null, CancellationToken.None);

        Assert.True(outcome.Apply!.Succeeded, outcome.Apply.Error);
        Assert.True(Has(outcome.Audit!, FindingKind.Leak, "acme-web3/net0", "globex-app1/net0", ProbeKind.ArpUnicast), Describe(outcome.Audit!));
        Assert.True(Has(outcome.Audit!, FindingKind.Blackhole, "acme-web1/net0", "acme-web3/net0", ProbeKind.Icmpv4Echo), Describe(outcome.Audit!));
        var rollback = Assert.IsType<VerifyRollback>(outcome.Rollback);
        Assert.True(rollback.Succeeded, rollback.Undo?.Error ?? rollback.Reconcile?.Error);
        Assert.False(File.Exists($"/run/netns/{lab.Netns("acme-web3")}"));
        Assert.Equal(previous.Authored, lab.Store.Load().Authored);
        var (plan, drift) = await lab.Reconciler.DriftAsync(CancellationToken.None);
        Assert.True(plan.Plan.Steps.IsEmpty, string.Join("\n", drift));
        Assert.True((await AuditAgainAsync(lab)).IsClean);
    }

    [LinuxRootFact]
    public async Task ApplyVerify_LeakThereBeforeTheRun_KeepsTheRunAndReportsTheLeak()
    {
        // Two tenants joined by a hand-made veth before the run; the run only changes a bandwidth limit. The leak is
        // not the run's doing, so the run stays (before the baseline audit, --verify rolled it back).
        var (lab, clean) = await AppliedAsync();
        await using var _ = lab;
        Assert.True(clean.IsClean, Describe(clean));
        await NamespacePair.IpAsync("link", "add", lab.Prefix + "-xa", "type", "veth", "peer", "name", lab.Prefix + "-xb");
        await NamespacePair.IpAsync("link", "set", lab.Prefix + "-xa", "master", Bridge(lab, 100), "up");
        await NamespacePair.IpAsync("link", "set", lab.Prefix + "-xb", "master", Bridge(lab, 200), "up");
        var auditor = AuditorOf(lab);
        var verified = new VerifiedApply(lab.Reconciler, lab.Store, ct => auditor.RunAsync(null, null, ct));
        var baseline = await verified.BaselineAsync(CancellationToken.None);
        Assert.True(Has(baseline.Audit!, FindingKind.Leak, "acme-web1/net0", "globex-app1/net0"), Describe(baseline.Audit!));
        var previous = lab.Store.Load();
        var changed = lab.Store.Replace(previous.Authored with
        {
            Zones = [.. previous.Authored.Zones.Select(z => z.Name != "acme-web1" ? z : z with { Vnics = [.. z.Vnics.Select(v => v with { MaxBandwidth = 300_000_000 })] })],
        }, HostTarget.Linux);

        var outcome = await verified.RunAsync(previous, baseline, HostTarget.Linux, new ApplyOptions { Trigger = "test" }, null, CancellationToken.None);

        Assert.True(outcome.Apply!.Succeeded, outcome.Apply.Error);
        Assert.True(outcome.Kept, Describe(outcome.Audit!));
        Assert.Empty(outcome.Introduced);
        // The leak is reported as there before, unless the apply itself took the foreign port off the owned bridge.
        Assert.True(outcome.Audit!.IsClean || outcome.PreExisting.Any(f => f.Kind == FindingKind.Leak), Describe(outcome.Audit!));
        Assert.Equal(changed.Generation, lab.Store.Generation());
    }

    [LinuxRootFact]
    public async Task Passive_ZoneSendingFromAnAddressOutsideItsAllowedIps_IsFlaggedAtTheSender()
    {
        var (lab, clean) = await AppliedAsync();
        await using var _ = lab;
        Assert.True(clean.IsClean, Describe(clean));
        await NamespacePair.IpAsync("-n", lab.Netns("acme-web2"), "addr", "add", "10.100.0.77/24", "dev", "net0");
        var target = lab.AddressOf("acme-web1").ToString();

        var watching = AuditorOf(lab).RunPassiveAsync(TimeSpan.FromSeconds(3), null, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await NamespacePair.RunAsync("/usr/sbin/ip", "netns", "exec", lab.Netns("acme-web2"), "ping", "-c", "2", "-W", "1", "-I", "10.100.0.77", target);
        var result = await watching;

        var web2 = result.Topology.Endpoints.Single(e => e.Name == "acme-web2/net0").Index;
        Assert.Contains(result.Findings, f => f.Kind == FindingKind.ForeignSource && f.Endpoint == web2 && f.Outbound && f.Source == "IPv4 10.100.0.77");
        Assert.DoesNotContain(result.Findings, f => !f.Outbound);
    }
}
