using System.Globalization;
using System.Text;
using System.Xml;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Verdicts;

namespace NetVirt.Audit.Reports;

/// <summary>
/// JUnit XML for CI systems, UTF-8 without a byte-order mark. One failing test case per finding, so the failure count
/// is the finding count: in "reachability" one case per ordered pair of matrix rows and probe kind that was sent
/// (<c>acme-web1/net0 -> globex-app1/net0 [icmpv4-echo]</c>; in a stratified audit a row is a class, named by its
/// representative and how many are like it: <c>z0/net0 (+999) -> z1/net0 (+999) [icmpv4-echo]</c>), or, past
/// <see cref="PairCasesUpToRows"/> rows, one passing case per row and kind for the peers where nothing was found
/// (<c>z0/net0 -> 999 peers [icmpv4-echo]</c>): a full audit of 1,000 VNICs was 4.9 million cases and 463 MB, which
/// no CI system shows; in "spoofing" and "vlan-hopping" one passing case per
/// source and probe kind that found nothing, else one failing case per receiver the frame reached; in "configuration"
/// one case per VNIC, or one per foreign address. Every suite carries the report header as properties, and the
/// totals are on each suite and on <c>testsuites</c>. A failure names the finding's likely cause.
/// </summary>
public static class JUnitReportWriter
{
    /// <summary>Matrix rows up to which reachability has a case per ordered pair of rows: the size up to which a full audit is the default.</summary>
    public const int PairCasesUpToRows = Runs.AuditOptions.DefaultStratifyAbove;

    /// <summary>Writes the report to <paramref name="stream"/>; <paramref name="pairCasesUpToRows"/> only for tests.</summary>
    public static void Write(Stream stream, AuditResult result, int pairCasesUpToRows = PairCasesUpToRows)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(result);
        var endpoints = result.Topology.Endpoints;
        var n = endpoints.Count;
        var causeOf = FindingCauses.CauseOfEach(result.Causes, result.Findings.Count);
        var indexed = result.Findings.Select((f, i) => (Finding: f, Index: i)).ToList();
        var classes = result.Classes;
        var byPair = indexed.Where(x => x.Finding.Receiver >= 0 && ProbeKinds.Category(x.Finding.Probe) == ProbeCategory.Reachability)
            .ToLookup(x => (classes.ClassOf(x.Finding.Source), classes.ClassOf(x.Finding.Receiver), x.Finding.Probe));
        var bySource = indexed.Where(x => ProbeKinds.Category(x.Finding.Probe) is ProbeCategory.Spoofing or ProbeCategory.VlanHopping && x.Finding.Kind is not (FindingKind.ForeignAddress or FindingKind.HostReached))
            .ToLookup(x => (x.Finding.Source, x.Finding.Probe));
        var seconds = result.Run.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var suites = new List<(string Name, List<Case> Cases)>();

        // Reachability: one case per ordered pair of rows (endpoints, or classes in a stratified audit) and kind that
        // was probed (and one per finding beyond the first); past pairCasesUpToRows rows, one per row and kind for the
        // peers without a finding, and one per finding.
        var reachability = new List<Case>();
        var perPair = result.Rows <= pairCasesUpToRows;
        string FindingName(int i) =>
            $"{endpoints[result.Findings[i].Source].Name} -> {endpoints[result.Findings[i].Receiver].Name} [{ProbeKinds.Name(result.Findings[i].Probe)}]";
        for (var s = 0; s < result.Rows; s++)
        {
            var clean = new int[ProbeKinds.Reachability.Count];
            for (var r = 0; r < result.Rows; r++)
            {
                if (s == r && classes.All[s].Members.Count == 1)
                {
                    continue;
                }

                for (var k = 0; k < ProbeKinds.Reachability.Count; k++)
                {
                    var kind = ProbeKinds.Reachability[k];
                    var found = byPair[(s, r, kind)].Select(x => x.Index).ToList();
                    if (result.Cell(s, r, k) == CellState.NotProbed && found.Count == 0)
                    {
                        continue;
                    }

                    var name = $"{result.RowName(s)} -> {result.RowName(r)} [{ProbeKinds.Name(kind)}]";
                    if (perPair)
                    {
                        AddCases(reachability, name, result.RowName(s), found, i => found.Count == 1 ? name : FindingName(i));
                    }
                    else if (found.Count == 0)
                    {
                        clean[k]++;
                    }
                    else
                    {
                        reachability.AddRange(found.Select(i => new Case(FindingName(i), result.RowName(s), i)));
                    }
                }
            }

            for (var k = 0; k < clean.Length && !perPair; k++)
            {
                if (clean[k] > 0)
                {
                    var peers = clean[k] == 1 ? "1 peer" : $"{clean[k].ToString("N0", CultureInfo.InvariantCulture)} peers";
                    reachability.Add(new Case($"{result.RowName(s)} -> {peers} [{ProbeKinds.Name(ProbeKinds.Reachability[k])}]", result.RowName(s), -1));
                }
            }
        }

        suites.Add(("reachability", reachability));
        foreach (var (suite, category) in new[] { ("spoofing", ProbeCategory.Spoofing), ("vlan-hopping", ProbeCategory.VlanHopping) })
        {
            var list = new List<Case>();
            foreach (var e in endpoints)
            {
                foreach (var kind in ProbeKinds.Judged.Where(k => ProbeKinds.Category(k) == category && k != ProbeKind.SpoofConfiguredAddress))
                {
                    var found = bySource[(e.Index, kind)].Select(x => x.Index).ToList();
                    if (ProbeApplies(e, kind, result) || found.Count > 0)
                    {
                        var name = $"{e.Name} [{ProbeKinds.Name(kind)}]";
                        AddCases(list, name, e.Name, found, i => result.Findings[i].Receiver < 0 ? name : $"{name} -> {endpoints[result.Findings[i].Receiver].Name}");
                    }
                }
            }

            suites.Add((suite, list));
        }

        var configuration = new List<Case>();
        foreach (var e in endpoints)
        {
            var name = $"{e.Name} [allowed addresses]";
            var found = indexed.Where(x => x.Finding.Kind == FindingKind.ForeignAddress && x.Finding.Source == e.Index).Select(x => x.Index).ToList();
            AddCases(configuration, name, e.Name, found, i => $"{name} #{found.IndexOf(i) + 1}");
        }

        suites.Add(("configuration", configuration));

        // The host: one case per VNIC when the host's side of the bridges was watched (and for any VNIC that reached it).
        var hostCases = new List<Case>();
        foreach (var e in endpoints)
        {
            var name = $"{e.Name} -> host";
            var found = indexed.Where(x => x.Finding.Kind == FindingKind.HostReached && x.Finding.Source == e.Index).Select(x => x.Index).ToList();
            if (result.Run.HostBridges.Count > 0 || found.Count > 0)
            {
                AddCases(hostCases, name, e.Name, found, i => $"{name} [{ProbeKinds.Name(result.Findings[i].Probe)}]");
            }
        }

        suites.Add(("host", hostCases));

        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false) };
        using var w = XmlWriter.Create(stream, settings);
        w.WriteStartDocument();
        w.WriteStartElement("testsuites");
        w.WriteAttributeString("name", "netvirt audit");
        w.WriteAttributeString("tests", suites.Sum(x => x.Cases.Count).ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("failures", suites.Sum(x => x.Cases.Count(c => c.Finding >= 0)).ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("errors", "0");
        w.WriteAttributeString("skipped", "0");
        w.WriteAttributeString("time", seconds);
        w.WriteAttributeString("timestamp", Timestamp(result));
        foreach (var (name, cases) in suites)
        {
            WriteSuite(w, name, cases, result, causeOf, seconds);
        }

        w.WriteEndElement();
        w.WriteEndDocument();
    }

    // A passing case when nothing was found, else one failing case per finding.
    private static void AddCases(List<Case> cases, string name, string className, IReadOnlyList<int> findings, Func<int, string> nameOf)
    {
        if (findings.Count == 0)
        {
            cases.Add(new Case(name, className, -1));
            return;
        }

        cases.AddRange(findings.Select(i => new Case(nameOf(i), className, i)));
    }

    private static string Timestamp(AuditResult result) => result.Run.Started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

    private sealed record Case(string Name, string Class, int Finding);

    // Which per-source probes the planner sends to an endpoint (it follows the endpoint's protection and VLANs).
    private static bool ProbeApplies(Topology.AuditEndpoint e, ProbeKind kind, AuditResult result) => kind switch
    {
        ProbeKind.SpoofSourceMac => e.Protection.HasFlag(Model.Spec.Protection.MacNospoof) && (e.Ipv4.Count > 0 || e.Ipv6.Count > 0),
        ProbeKind.SpoofSourceIpv4 or ProbeKind.SpoofSourceIpv6 or ProbeKind.SpoofArpSender => e.Protection.HasFlag(Model.Spec.Protection.IpNospoof),
        ProbeKind.RogueDhcpServer => e.Protection.HasFlag(Model.Spec.Protection.DhcpNospoof) && e.Ipv4.Count > 0,
        ProbeKind.VlanTagged or ProbeKind.VlanDoubleTagged => result.Topology.Domains.Any(d => d.Over == e.Domain.Over && d.Vlan != e.Domain.Vlan && d.Vlan > 0),
        _ => false,
    };

    private static void WriteSuite(XmlWriter w, string name, List<Case> cases, AuditResult result, int[] causeOf, string seconds)
    {
        var endpoints = result.Topology.Endpoints;
        w.WriteStartElement("testsuite");
        w.WriteAttributeString("name", name);
        w.WriteAttributeString("tests", cases.Count.ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("failures", cases.Count(c => c.Finding >= 0).ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("errors", "0");
        w.WriteAttributeString("skipped", "0");
        w.WriteAttributeString("time", seconds);
        w.WriteAttributeString("timestamp", Timestamp(result));
        if (result.Header is { } header)
        {
            w.WriteAttributeString("hostname", header.Host);
        }

        w.WriteStartElement("properties");
        foreach (var (label, value) in (result.Header is { } h ? AuditText.HeaderFields(h) : []).Append(("engine", result.Run.Engine)))
        {
            w.WriteStartElement("property");
            w.WriteAttributeString("name", label);
            w.WriteAttributeString("value", value);
            w.WriteEndElement();
        }

        w.WriteEndElement();
        foreach (var c in cases)
        {
            w.WriteStartElement("testcase");
            w.WriteAttributeString("name", c.Name);
            w.WriteAttributeString("classname", c.Class);
            w.WriteAttributeString("time", "0");
            if (c.Finding >= 0)
            {
                var f = result.Findings[c.Finding];
                var cause = causeOf[c.Finding] >= 0 ? result.Causes[causeOf[c.Finding]] : null;
                w.WriteStartElement("failure");
                w.WriteAttributeString("type", FindingKinds.Name(f.Kind));
                w.WriteAttributeString("message", cause is null ? f.Expected : $"{f.Expected} (likely cause: {cause.Title})");
                w.WriteString($"{FindingKinds.Name(f.Kind)} {endpoints[f.Source].Name} -> {AuditText.To(result.Topology, f) ?? "-"} [{ProbeKinds.Name(f.Probe)}]: expected {f.Expected}; observed {f.Observed}"
                    + (cause is null ? "" : $"\nlikely cause: {cause.Title}: {cause.Explanation}"));
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
    }
}
