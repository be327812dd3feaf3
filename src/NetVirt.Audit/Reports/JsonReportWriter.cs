using System.Text.Json;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Verdicts;

namespace NetVirt.Audit.Reports;

/// <summary>
/// The audit as JSON in the documents' words (kebab-case keys and values: <c>mac-nospoof</c>, <c>domains-joined</c>):
/// the header (host, prefix, database, generation, NetVirt version), run facts, endpoints, the coverage (full or
/// stratified, and what that covered), the classes, the matrix (every ordered pair of classes, which in a full audit
/// are the endpoints, with its status, the model's explanation and the outcome of each reachability kind), the likely
/// causes and the findings, each with its cause and evidence file. Streamed, so 200 zones (39,800 pairs) do not build a document tree in memory.
/// </summary>
public static class JsonReportWriter
{
    /// <summary>Writes the report to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, AuditResult result, IReadOnlyList<string?>? evidence = null, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(result);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented });
        var endpoints = result.Topology.Endpoints;
        var n = endpoints.Count;
        w.WriteStartObject();
        w.WriteNumber("version", 1);
        w.WriteString("mode", "active");
        w.WriteBoolean("clean", result.IsClean);
        w.WriteString("started", result.Run.Started);
        w.WriteNumber("duration-seconds", Math.Round(result.Run.Duration.TotalSeconds, 3));
        w.WriteString("engine", result.Run.Engine);
        WriteHeader(w, result.Header);
        w.WriteStartObject("summary");
        w.WriteNumber("endpoints", n);
        w.WriteNumber("pairs", result.Topology.PairCount);
        w.WriteNumber("probes-sent", result.Run.ProbesSent);
        w.WriteNumber("frames-captured", result.Run.FramesCaptured);
        w.WriteNumber("arrivals", result.Run.Arrivals);
        w.WriteNumber("frames-dropped", result.Run.Dropped);
        w.WriteNumber("window-seconds", Math.Round(result.Run.Window.TotalSeconds, 3));
        w.WriteNumber("probes-resent", result.Run.ProbesResent);
        w.WriteNumber("send-refusals", result.Run.SendRefusals);
        w.WriteNumber("probes-unsent", result.Run.ProbesUnsent);
        w.WriteStartObject("findings");
        foreach (var kind in Enum.GetValues<FindingKind>())
        {
            w.WriteNumber(FindingKinds.Name(kind), result.Findings.Count(f => f.Kind == kind));
        }

        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("notes");
        foreach (var note in result.Run.Notes)
        {
            w.WriteStringValue(note);
        }

        w.WriteEndArray();

        w.WriteStartArray("endpoints");
        foreach (var e in endpoints)
        {
            w.WriteStartObject();
            w.WriteString("name", e.Name);
            w.WriteString("zone", e.Zone);
            w.WriteString("vnic", e.Vnic);
            if (e.Host is not null)
            {
                w.WriteString("host", e.Host);
            }

            w.WriteString("netns", e.Netns);
            w.WriteString("mac", e.Mac.ToString());
            w.WriteString("domain", e.DomainText);
            w.WriteString("network", e.Network?.Name);
            w.WriteString("router", e.Router);
            WriteStrings(w, "protection", Model.Spec.SpecNames.Names(e.Protection));
            WriteStrings(w, "ipv4", e.Ipv4.Select(a => a.ToString()));
            WriteStrings(w, "ipv6", e.Ipv6.Select(a => a.ToString()));
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartObject("coverage");
        w.WriteString("mode", AuditText.Mode(result.Mode));
        w.WriteNumber("classes", result.Classes.Count);
        w.WriteNumber("class-pairs-probed", (long)result.Classes.Count * (result.Classes.Count - 1));
        w.WriteString("description", AuditText.Coverage(result));
        WriteStrings(w, "host-bridges", result.Run.HostBridges);
        w.WriteEndObject();

        // In a full audit every class is one endpoint; the matrix is over classes either way.
        w.WriteStartArray("classes");
        foreach (var c in result.Classes.All)
        {
            w.WriteStartObject();
            w.WriteNumber("index", c.Index);
            w.WriteString("name", result.RowName(c.Index));
            w.WriteString("representative", endpoints[c.Representative].Name);
            w.WriteString("key", c.Key);
            WriteStrings(w, "members", c.Members.Select(m => endpoints[m].Name));
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("matrix");
        for (var s = 0; s < result.Rows; s++)
        {
            for (var r = 0; r < result.Rows; r++)
            {
                if (s == r && result.Classes.All[s].Members.Count == 1)
                {
                    continue;
                }

                w.WriteStartObject();
                w.WriteString("from", result.RowName(s));
                w.WriteString("to", result.RowName(r));
                w.WriteString("status", AuditText.Status(result.Pair(s, r)));
                w.WriteString("expected", result.ExpectedReachable(s, r) ? "reachable" : "isolated");
                w.WriteString("explanation", result.Explain(s, r));
                w.WriteStartObject("probes");
                for (var k = 0; k < ProbeKinds.Reachability.Count; k++)
                {
                    var cell = result.Cell(s, r, k);
                    if (cell != CellState.NotProbed)
                    {
                        w.WriteString(ProbeKinds.Name(ProbeKinds.Reachability[k]), AuditText.Cell(cell));
                    }
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();

        w.WriteStartArray("causes");
        foreach (var cause in result.Causes)
        {
            w.WriteStartObject();
            w.WriteString("kind", AuditText.Cause(cause.Kind));
            w.WriteString("title", cause.Title);
            w.WriteString("explanation", cause.Explanation);
            w.WriteStartArray("foreign-ports");
            foreach (var port in cause.ForeignPorts)
            {
                w.WriteStartObject();
                w.WriteString("name", port.Name);
                w.WriteString("bridge", port.Bridge);
                w.WriteNumber("ifindex", port.Index);
                w.WriteNumber("peer-ifindex", port.PeerIndex);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("findings");
            foreach (var i in cause.Findings)
            {
                w.WriteNumberValue(i);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        var causeOf = FindingCauses.CauseOfEach(result.Causes, result.Findings.Count);
        w.WriteStartArray("findings");
        for (var i = 0; i < result.Findings.Count; i++)
        {
            var f = result.Findings[i];
            w.WriteStartObject();
            w.WriteNumber("index", i);
            if (causeOf[i] >= 0)
            {
                w.WriteNumber("cause", causeOf[i]);
            }
            else
            {
                w.WriteNull("cause");
            }

            w.WriteString("kind", FindingKinds.Name(f.Kind));
            w.WriteString("from", endpoints[f.Source].Name);
            w.WriteString("to", AuditText.To(result.Topology, f));
            w.WriteString("probe", ProbeKinds.Name(f.Probe));
            w.WriteNumber("count", f.Count);
            w.WriteString("expected", f.Expected);
            w.WriteString("observed", f.Observed);
            w.WriteString("evidence", evidence is not null && i < evidence.Count ? evidence[i] : null);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The header object (host, prefix, database, generation, NetVirt version), or null when unknown.</summary>
    public static void WriteHeader(Utf8JsonWriter w, AuditHeader? header)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (header is null)
        {
            w.WriteNull("header");
            return;
        }

        w.WriteStartObject("header");
        w.WriteString("host", header.Host);
        w.WriteString("prefix", header.Prefix);
        w.WriteString("database", header.Database);
        w.WriteNumber("generation", header.Generation);
        w.WriteString("netvirt-version", header.Version);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
