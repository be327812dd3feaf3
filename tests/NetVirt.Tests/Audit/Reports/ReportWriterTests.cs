using System.Text.Json;
using System.Xml.Linq;
using NetVirt.Audit.Capture;
using NetVirt.Audit.Reports;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Topology;
using NetVirt.Audit.Verdicts;
using NetVirt.Tests.Audit.Runs;

namespace NetVirt.Tests.Audit.Reports;

public sealed class ReportWriterTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "netvirt-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<AuditResult> LeakyAsync()
    {
        var topology = AuditModels.Topology();
        var fabric = new FakeFabric(topology);
        fabric.Join(fabric.DomainIndex(topology.E("w1/net0")), fabric.DomainIndex(topology.E("g1/net0")));
        return await new IsolationAudit(fabric, fabric).RunAsync(topology, new AuditOptions { Deadline = TimeSpan.FromMilliseconds(300), Grace = TimeSpan.FromMilliseconds(20) });
    }

    [Fact]
    public async Task Write_LeakyRun_AllReportsAgreeOnTheFindings()
    {
        var result = await LeakyAsync();
        var files = ReportDirectory.Write(result, directory);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(files.Json));
        var root = json.RootElement;
        Assert.False(root.GetProperty("clean").GetBoolean());
        Assert.Equal(result.Topology.PairCount, root.GetProperty("matrix").GetArrayLength());
        Assert.Equal(result.Findings.Count, root.GetProperty("findings").GetArrayLength());
        var leak = root.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("kind").GetString() == "LEAK");
        Assert.Equal("isolated: VLAN 100 vs 200 on etherstub stub0", leak.GetProperty("expected").GetString());
        var pair = root.GetProperty("matrix").EnumerateArray().First(p => p.GetProperty("from").GetString() == "w1/net0" && p.GetProperty("to").GetString() == "g1/net0");
        Assert.Equal("LEAK", pair.GetProperty("status").GetString());
        Assert.Equal("isolated", pair.GetProperty("expected").GetString());
        Assert.Equal("leaked", pair.GetProperty("probes").GetProperty("arp-unicast").GetString());

        var evidence = Path.Combine(files.Path, "evidence", leak.GetProperty("evidence").GetString()!);
        var (interfaces, packets) = PcapNgReader.Read(await File.ReadAllBytesAsync(evidence));
        Assert.Equal(["w1/net0@" + result.Topology.Endpoints[0].Netns, "g1/net0@" + result.Topology.Endpoints.Single(e => e.Name == "g1/net0").Netns], interfaces.Select(i => i.Name));
        Assert.True(packets.Count >= 2);
        Assert.StartsWith("LEAK probe ", packets[0].Comment, StringComparison.Ordinal);
        Assert.Contains("as sent from w1/net0", packets[0].Comment, StringComparison.Ordinal);
        Assert.All(packets.Skip(1), p => Assert.Contains("as captured at g1/net0", p.Comment, StringComparison.Ordinal));
        Assert.Equal(result.Findings.Count(f => f.Frames.Count > 0), files.EvidenceFiles);

        var junit = XDocument.Load(files.JUnit);
        var reachability = junit.Root!.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "reachability");
        var cases = reachability.Elements("testcase").ToList();
        Assert.Equal(cases.Count, (int)reachability.Attribute("tests")!);
        Assert.Contains(cases, c => (string?)c.Attribute("name") == "w1/net0 -> g1/net0 [arp-unicast]" && c.Element("failure")?.Attribute("type")?.Value == "LEAK");
        Assert.Contains(cases, c => (string?)c.Attribute("name") == "w1/net0 -> w2/net0 [icmpv6-echo]" && c.Element("failure") is null);

        var html = await File.ReadAllTextAsync(files.Html);
        Assert.Contains("<canvas id=\"heat\">", html, StringComparison.Ordinal);
        Assert.Contains("isolated: VLAN 100 vs 200 on etherstub stub0", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
    }

    // Past PairCasesUpToRows rows (here 2) a full audit's pairs would be millions of cases (4.9 million for 1,000 VNICs):
    // the passing pairs of a row and kind become one case, each finding stays its own failing case.
    [Fact]
    public async Task Write_LargeMatrix_JUnitHasOneCasePerRowAndKindForThePeersWithoutFinding_AndOnePerFinding()
    {
        var result = await LeakyAsync();
        using var stream = new MemoryStream();
        JUnitReportWriter.Write(stream, result, pairCasesUpToRows: 2);
        stream.Position = 0;

        var root = XDocument.Load(stream).Root!;
        var reachability = root.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "reachability");
        var cases = reachability.Elements("testcase").ToList();
        var findings = result.Findings.Count(f => f.Receiver >= 0 && NetVirt.Audit.Probes.ProbeKinds.Category(f.Probe) == NetVirt.Audit.Probes.ProbeCategory.Reachability);
        Assert.True(findings > 0);
        Assert.Equal(findings, cases.Count(c => c.Element("failure") is not null));
        Assert.Equal(cases.Count, (int)reachability.Attribute("tests")!);
        Assert.Equal(result.Findings.Count, (int)root.Attribute("failures")!);
        Assert.Contains(cases, c => (string?)c.Attribute("name") == "w1/net0 -> g1/net0 [arp-unicast]" && c.Element("failure")?.Attribute("type")?.Value == "LEAK");
        Assert.DoesNotContain(cases, c => (string?)c.Attribute("name") == "w1/net0 -> w2/net0 [icmpv6-echo]");
        var peers = result.Topology.Endpoints.Count(e => e.Name != "w1/net0" && e.Ipv6.Count > 0);
        Assert.Contains(cases, c => (string?)c.Attribute("name") == $"w1/net0 -> {peers} peers [icmpv6-echo]" && c.Element("failure") is null);
        Assert.True(cases.Count < result.Rows * 2 * NetVirt.Audit.Probes.ProbeKinds.Reachability.Count + findings);
        Assert.Equal(cases.Count, cases.Select(c => (string?)c.Attribute("name")).Distinct().Count());
    }

    [Fact]
    public async Task Write_WithHeader_JUnitHasOneFailurePerFindingWithTotalsHeaderAndNoBom()
    {
        var result = (await LeakyAsync()) with { Header = new AuditHeader("host1", "nvt1", "/var/lib/netvirt/test.db", 7, "1.0.0+abc") };
        var files = ReportDirectory.Write(result, directory);

        var bytes = await File.ReadAllBytesAsync(files.JUnit);
        Assert.Equal((byte)'<', bytes[0]);
        var junit = XDocument.Load(files.JUnit);
        var root = junit.Root!;
        var failures = root.Descendants("failure").ToList();
        Assert.Equal(result.Findings.Count, failures.Count);
        Assert.Equal(result.Findings.Count, (int)root.Attribute("failures")!);
        Assert.Equal(root.Descendants("testcase").Count(), (int)root.Attribute("tests")!);
        Assert.All(root.Elements("testsuite"), s => Assert.Equal(s.Elements("testcase").Count(c => c.Element("failure") is not null), (int)s.Attribute("failures")!));
        Assert.Equal(root.Descendants("testcase").Count(), root.Descendants("testcase").Select(c => (string?)c.Attribute("name")).Distinct().Count());
        var properties = root.Element("testsuite")!.Element("properties")!.Elements("property").ToDictionary(p => (string)p.Attribute("name")!, p => (string)p.Attribute("value")!);
        Assert.Equal("host1", properties["host"]);
        Assert.Equal("nvt1", properties["prefix"]);
        Assert.Equal("/var/lib/netvirt/test.db", properties["database"]);
        Assert.Equal("7", properties["generation"]);
        Assert.Equal("1.0.0+abc", properties["netvirt-version"]);
        Assert.All(failures, f => Assert.Contains("likely cause: ", (string?)f.Attribute("message"), StringComparison.Ordinal));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(files.Json));
        var header = json.RootElement.GetProperty("header");
        Assert.Equal("host1", header.GetProperty("host").GetString());
        Assert.Equal(7, header.GetProperty("generation").GetInt64());
        Assert.Equal("1.0.0+abc", header.GetProperty("netvirt-version").GetString());
        var cause = Assert.Single(json.RootElement.GetProperty("causes").EnumerateArray());
        Assert.Equal("domains-joined", cause.GetProperty("kind").GetString());
        Assert.Equal(result.Findings.Count, cause.GetProperty("findings").GetArrayLength());
        Assert.All(json.RootElement.GetProperty("findings").EnumerateArray(), f => Assert.Equal(0, f.GetProperty("cause").GetInt32()));

        var html = await File.ReadAllTextAsync(files.Html);
        Assert.Contains("/var/lib/netvirt/test.db", html, StringComparison.Ordinal);
        Assert.Contains("are joined at layer 2", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_HostReached_EveryReportNamesTheHostAndTheBridge_EvidenceHasTheHostsSide()
    {
        var topology = AuditModels.Topology();
        var fabric = new FakeFabric(topology) { HostIsolated = false };
        var result = await new IsolationAudit(fabric, fabric).RunAsync(topology, new AuditOptions { Deadline = TimeSpan.FromMilliseconds(300), Grace = TimeSpan.FromMilliseconds(20) });
        var files = ReportDirectory.Write(result, directory);
        var finding = result.Findings.First(f => f.Kind == FindingKind.HostReached);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(files.Json));
        var reached = json.RootElement.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("kind").GetString() == "HOST_REACHED");
        Assert.Equal($"host ({finding.HostInterface})", reached.GetProperty("to").GetString());
        Assert.Equal(result.Run.HostBridges, json.RootElement.GetProperty("coverage").GetProperty("host-bridges").EnumerateArray().Select(b => b.GetString()));
        Assert.Contains(json.RootElement.GetProperty("causes").EnumerateArray(), c => c.GetProperty("kind").GetString() == "host-reachable");

        var evidence = Path.Combine(files.Path, "evidence", reached.GetProperty("evidence").GetString()!);
        Assert.Contains("-to-host-", evidence, StringComparison.Ordinal);
        var (interfaces, packets) = PcapNgReader.Read(await File.ReadAllBytesAsync(evidence));
        Assert.Contains($"host/{finding.HostInterface}", interfaces.Select(i => i.Name));
        Assert.Contains(packets.Skip(1), p => p.Comment!.Contains($"as received by the host from bridge {finding.HostInterface}", StringComparison.Ordinal));

        var junit = XDocument.Load(files.JUnit).Root!;
        Assert.Equal(result.Findings.Count, junit.Descendants("failure").Count());
        var host = junit.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "host");
        Assert.Equal(topology.Endpoints.Count, host.Elements("testcase").Select(c => (string?)c.Attribute("classname")).Distinct().Count());
        Assert.Contains(host.Elements("testcase"), c => c.Element("failure")?.Attribute("type")?.Value == "HOST_REACHED");

        Assert.Contains($"→ host ({finding.HostInterface})", await File.ReadAllTextAsync(files.Html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_Json_UsesTheDocumentsWordsForEveryEnum()
    {
        var result = await LeakyAsync();
        var files = ReportDirectory.Write(result, directory);
        var text = await File.ReadAllTextAsync(files.Json);
        using var json = JsonDocument.Parse(text);

        var w1 = json.RootElement.GetProperty("endpoints").EnumerateArray().First(e => e.GetProperty("name").GetString() == "w1/net0");
        Assert.Equal(["mac-nospoof", "ip-nospoof"], w1.GetProperty("protection").EnumerateArray().Select(p => p.GetString()));
        var g1 = json.RootElement.GetProperty("endpoints").EnumerateArray().First(e => e.GetProperty("name").GetString() == "g1/net0");
        Assert.Equal(["mac-nospoof", "ip-nospoof", "dhcp-nospoof"], g1.GetProperty("protection").EnumerateArray().Select(p => p.GetString()));

        // No C# enum name may reach the document.
        foreach (var name in Enum.GetNames<NetVirt.Model.Spec.Protection>().Concat(Enum.GetNames<CauseKind>()).Concat(Enum.GetNames<FindingKind>()).Concat(Enum.GetNames<PairStatus>()).Concat(Enum.GetNames<CellState>()))
        {
            Assert.DoesNotContain($"\"{name}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PcapNgWriter_Blocks_ReadBackWithNamesCommentsAndAlignment()
    {
        using var stream = new MemoryStream();
        using (var writer = new PcapNgWriter(stream, leaveOpen: true))
        {
            var a = writer.AddInterface("a/net0@nvt1-z-a", "zone a");
            var b = writer.AddInterface("b/net0@nvt1-z-b");
            writer.WriteFrame(a, new byte[61], 1_700_000_000_123_456, "as sent");
            writer.WriteFrame(b, new byte[60], 1_700_000_000_123_999);
            Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteFrame(2, new byte[60], 0));
        }

        var (interfaces, packets) = PcapNgReader.Read(stream.ToArray());

        Assert.Equal([("a/net0@nvt1-z-a", (string?)"zone a"), ("b/net0@nvt1-z-b", null)], interfaces);
        Assert.Equal([(0, 1_700_000_000_123_456L, 61, (string?)"as sent"), (1, 1_700_000_000_123_999L, 60, null)], packets.Select(p => (p.Interface, p.Timestamp, p.Frame.Length, p.Comment)));
    }

    [Fact]
    public void GroupMatrix_ByNetwork_CountsPairsAndKeepsTheWorst()
    {
        var topology = AuditModels.Topology();
        var n = topology.Endpoints.Count;
        var pairs = new PairStatus[n * n];
        pairs[(topology.E("w1/net0").Index * n) + topology.E("g1/net0").Index] = PairStatus.Leak;
        var result = new AuditResult(topology, AuditClasses.For(topology, AuditMode.Full), new CellState[n * n * NetVirt.Audit.Probes.ProbeKinds.Reachability.Count], pairs, [], new AuditRunInfo { Started = DateTimeOffset.UnixEpoch });

        var groups = GroupMatrix.From(result);

        var web = groups.Groups.ToList().IndexOf("web");
        var gx = groups.Groups.ToList().IndexOf("gx");
        Assert.Equal(3, groups.Cells[web, gx].Pairs);
        Assert.Equal(PairStatus.Leak, groups.Cells[web, gx].Worst);
        Assert.Equal(1, groups.Cells[web, gx].Counts[PairStatus.Leak]);
        Assert.Equal(6, groups.Cells[web, web].Pairs);
    }
}
