using System.Globalization;
using System.Xml;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Verdicts;

namespace NetVirt.Audit.Reports;

/// <summary>
/// JUnit XML for CI systems: a suite per probe category; in "reachability" one test case per ordered pair and probe
/// kind that was sent (<c>acme-web1/net0 -> globex-app1/net0 [icmpv4-echo]</c>), failing with the finding's kind and
/// explanation; in "spoofing" and "vlan-hopping" one case per source and probe kind, failing with every receiver the
/// frame reached. Configuration findings (FOREIGN_ADDRESS) are one case per VNIC in "configuration".
/// </summary>
public static class JUnitReportWriter
{
    /// <summary>Writes the report to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, AuditResult result)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(result);
        var endpoints = result.Topology.Endpoints;
        var n = endpoints.Count;
        var byPair = result.Findings.Where(f => f.Receiver >= 0 && ProbeKinds.Category(f.Probe) == ProbeCategory.Reachability)
            .ToLookup(f => (f.Source, f.Receiver, f.Probe));
        var bySource = result.Findings.Where(f => ProbeKinds.Category(f.Probe) is ProbeCategory.Spoofing or ProbeCategory.VlanHopping && f.Kind != FindingKind.ForeignAddress)
            .ToLookup(f => (f.Source, f.Probe));
        var seconds = result.Run.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        using var w = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true });
        w.WriteStartDocument();
        w.WriteStartElement("testsuites");
        w.WriteAttributeString("name", "netvirt audit");
        w.WriteAttributeString("time", seconds);

        // Reachability: one case per ordered pair and kind that was probed.
        var cases = new List<(string Name, string Class, IReadOnlyList<AuditFinding> Failures)>();
        for (var s = 0; s < n; s++)
        {
            for (var r = 0; r < n; r++)
            {
                if (s == r)
                {
                    continue;
                }

                for (var k = 0; k < ProbeKinds.Reachability.Count; k++)
                {
                    if (result.Cell(s, r, k) == CellState.NotProbed)
                    {
                        continue;
                    }

                    var kind = ProbeKinds.Reachability[k];
                    cases.Add(($"{endpoints[s].Name} -> {endpoints[r].Name} [{ProbeKinds.Name(kind)}]", endpoints[s].Name, [.. byPair[(s, r, kind)]]));
                }
            }
        }

        WriteSuite(w, "reachability", cases, result, seconds);

        foreach (var (suite, category) in new[] { ("spoofing", ProbeCategory.Spoofing), ("vlan-hopping", ProbeCategory.VlanHopping) })
        {
            var sent = result.Findings.Count == 0 ? [] : bySource.Select(g => g.Key).ToHashSet();
            var list = new List<(string, string, IReadOnlyList<AuditFinding>)>();
            foreach (var e in endpoints)
            {
                foreach (var kind in ProbeKinds.Judged.Where(k => ProbeKinds.Category(k) == category && k != ProbeKind.SpoofConfiguredAddress))
                {
                    if (ProbeApplies(e, kind, result) || sent.Contains((e.Index, kind)))
                    {
                        list.Add(($"{e.Name} [{ProbeKinds.Name(kind)}]", e.Name, [.. bySource[(e.Index, kind)]]));
                    }
                }
            }

            WriteSuite(w, suite, list, result, seconds);
        }

        var configuration = endpoints.Select(e => ($"{e.Name} [allowed addresses]", e.Name,
            (IReadOnlyList<AuditFinding>)[.. result.Findings.Where(f => f.Kind == FindingKind.ForeignAddress && f.Source == e.Index)])).ToList();
        WriteSuite(w, "configuration", configuration, result, seconds);
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    // Which per-source probes the planner sends to an endpoint (it follows the endpoint's protection and VLANs).
    private static bool ProbeApplies(Topology.AuditEndpoint e, ProbeKind kind, AuditResult result) => kind switch
    {
        ProbeKind.SpoofSourceMac => e.Protection.HasFlag(Model.Spec.Protection.MacNospoof) && (e.Ipv4.Count > 0 || e.Ipv6.Count > 0),
        ProbeKind.SpoofSourceIpv4 or ProbeKind.SpoofSourceIpv6 or ProbeKind.SpoofArpSender => e.Protection.HasFlag(Model.Spec.Protection.IpNospoof),
        ProbeKind.RogueDhcpServer => e.Protection.HasFlag(Model.Spec.Protection.DhcpNospoof) && e.Ipv4.Count > 0,
        ProbeKind.VlanTagged or ProbeKind.VlanDoubleTagged => result.Topology.Domains.Any(d => d.Over == e.Domain.Over && d.Vlan != e.Domain.Vlan && d.Vlan > 0),
        _ => false,
    };

    private static void WriteSuite(XmlWriter w, string name, IReadOnlyList<(string Name, string Class, IReadOnlyList<AuditFinding> Failures)> cases, AuditResult result, string seconds)
    {
        w.WriteStartElement("testsuite");
        w.WriteAttributeString("name", name);
        w.WriteAttributeString("tests", cases.Count.ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("failures", cases.Count(c => c.Failures.Count > 0).ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("errors", "0");
        w.WriteAttributeString("time", seconds);
        w.WriteAttributeString("timestamp", result.Run.Started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        foreach (var (caseName, className, failures) in cases)
        {
            w.WriteStartElement("testcase");
            w.WriteAttributeString("name", caseName);
            w.WriteAttributeString("classname", className);
            w.WriteAttributeString("time", "0");
            if (failures.Count > 0)
            {
                w.WriteStartElement("failure");
                w.WriteAttributeString("type", string.Join(",", failures.Select(f => FindingKinds.Name(f.Kind)).Distinct()));
                w.WriteAttributeString("message", failures[0].Expected);
                w.WriteString(string.Join("\n", failures.Select(f =>
                    $"{FindingKinds.Name(f.Kind)} {result.Topology.Endpoints[f.Source].Name} -> {(f.Receiver < 0 ? "-" : result.Topology.Endpoints[f.Receiver].Name)}: expected {f.Expected}; observed {f.Observed}")));
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
    }
}
