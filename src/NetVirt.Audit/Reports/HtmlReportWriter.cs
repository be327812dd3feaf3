using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Verdicts;

namespace NetVirt.Audit.Reports;

/// <summary>
/// A self-contained HTML report (no external file, font or script): the summary, the matrix of every ordered pair as
/// a coloured heat map (hover a cell for the pair, its status and the model's explanation), the matrix by network,
/// and the findings grouped by likely cause, each with what the model expects, what was seen and a link to its pcapng
/// evidence. The header names host, prefix, database, generation and NetVirt version.
/// </summary>
public static class HtmlReportWriter
{
    /// <summary>Colour of each pair status in the heat map.</summary>
    public static string Colour(PairStatus status) => status switch
    {
        PairStatus.Self => "#ffffff",
        PairStatus.Isolated => "#d5dae1",
        PairStatus.Reachable => "#2e9e4f",
        PairStatus.Blackhole => "#f0a020",
        PairStatus.Leak => "#d62728",
        PairStatus.SpoofPassed => "#8e3fd0",
        _ => "#e0359b",
    };

    /// <summary>Writes the report.</summary>
    public static void Write(TextWriter writer, AuditResult result, IReadOnlyList<string?>? evidence = null, string title = "NetVirt isolation audit")
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        // Rows and columns (endpoints, or classes in a stratified audit) grouped by network, so each tenant is a block
        // on the diagonal however zones were declared.
        var groupOrder = result.Topology.Endpoints.Select(e => e.Group).Distinct(StringComparer.Ordinal).Select((g, i) => (g, i)).ToDictionary(x => x.g, x => x.i, StringComparer.Ordinal);
        var rows = Enumerable.Range(0, result.Rows).OrderBy(row => groupOrder[result.RowEndpoint(row).Group]).ThenBy(row => row).ToList();
        var n = rows.Count;
        var groupStarts = Enumerable.Range(1, Math.Max(0, n - 1)).Where(i => result.RowEndpoint(rows[i]).Group != result.RowEndpoint(rows[i - 1]).Group).ToList();
        var explanations = new List<string>();
        var explanationIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var status = new StringBuilder(n * n);
        var explain = new int[n * n];
        for (var s = 0; s < n; s++)
        {
            for (var r = 0; r < n; r++)
            {
                status.Append((char)('0' + (int)result.Pair(rows[s], rows[r])));
                if (s == r && result.Classes.All[rows[s]].Members.Count == 1)
                {
                    continue;
                }

                var text = result.Explain(rows[s], rows[r]);
                if (!explanationIndex.TryGetValue(text, out var index))
                {
                    explanationIndex[text] = index = explanations.Count;
                    explanations.Add(text);
                }

                explain[(s * n) + r] = index;
            }
        }

        var data = new
        {
            names = rows.Select(result.RowName),
            groupStarts,
            details = rows.Select(row => result.Classes.All[row] is { Members.Count: > 1 } c
                ? $"class of {c.Members.Count} VNICs: {c.Key}"
                : $"{result.RowEndpoint(row).DomainText}; {string.Join(", ", result.RowEndpoint(row).Ipv4.Concat(result.RowEndpoint(row).Ipv6))}; MAC {result.RowEndpoint(row).Mac}"),
            status = status.ToString(),
            explain,
            explanations,
            labels = Enum.GetValues<PairStatus>().Select(AuditText.Status),
            colours = Enum.GetValues<PairStatus>().Select(Colour),
        };
        var json = JsonSerializer.Serialize(data).Replace("</", "<\\/", StringComparison.Ordinal);
        var counts = result.CountByKind();
        var h = new StringBuilder();
        var verdictColour = result.IsClean ? "#2e9e4f" : "#d62728";
        var verdictText = result.IsClean ? "CLEAN" : $"{result.Findings.Count} FINDINGS";
        var badges = string.Join(" ", counts.OrderBy(c => c.Key).Select(c => "<span class=\"verdict\" style=\"background:" + Colour(StatusOf(c.Key)) + "\">" + c.Value + " " + FindingKinds.Name(c.Key) + "</span>"));
        h.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{E(title)}}</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1d2430; }
            h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
            .verdict { display: inline-block; padding: 3px 10px; border-radius: 4px; color: #fff; font-weight: 600; }
            .facts td { padding: 1px 14px 1px 0; } .muted { color: #5b6675; }
            .legend span { display: inline-block; margin-right: 14px; } .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; border: 1px solid #9aa3ae; }
            #tip { position: fixed; pointer-events: none; background: #1d2430; color: #fff; padding: 6px 9px; border-radius: 4px; font-size: 12px; max-width: 520px; display: none; }
            table.groups { border-collapse: collapse; } table.groups td, table.groups th { border: 1px solid #c8ced6; padding: 4px 8px; text-align: center; }
            table.groups th { background: #f2f4f7; }
            .finding { border-left: 5px solid; padding: 6px 12px; margin: 8px 0; background: #fafbfc; }
            .cause { border: 1px solid #c8ced6; border-radius: 4px; padding: 8px 12px; margin: 12px 0; } .cause h3 { font-size: 15px; margin: 0 0 4px; }
            .finding b { font-family: ui-monospace, monospace; } code { font-family: ui-monospace, monospace; font-size: 12.5px; }
            </style></head><body>
            <h1>{{E(title)}}</h1>
            <div class="muted">{{result.Run.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss}} UTC · {{E(result.Run.Engine)}}</div>
            {{HeaderTable(result.Header)}}
            <p><span class="verdict" style="background:{{verdictColour}}">{{verdictText}}</span>
            {{badges}}</p>
            <table class="facts">
            <tr><td>VNICs</td><td>{{result.Topology.Endpoints.Count}}</td><td>ordered pairs</td><td>{{result.Topology.PairCount:N0}}</td></tr>
            <tr><td>mode</td><td>{{AuditText.Mode(result.Mode)}}</td><td>coverage</td><td>{{E(AuditText.Coverage(result))}}</td></tr>
            <tr><td>probes sent</td><td>{{result.Run.ProbesSent:N0}}</td><td>frames captured</td><td>{{result.Run.FramesCaptured:N0}}</td></tr>
            <tr><td>probe arrivals</td><td>{{result.Run.Arrivals:N0}}</td><td>run time</td><td>{{result.Run.Duration.TotalSeconds:0.00}} s (window after the last probe {{result.Run.Window.TotalSeconds:0.00}} s)</td></tr>
            </table>
            """);
        foreach (var note in result.Run.Notes)
        {
            h.Append(CultureInfo.InvariantCulture, $"<div class=\"muted\">note: {E(note)}</div>\n");
        }

        h.Append("<h2>Reachability matrix</h2><div class=\"muted\">Row: the VNIC that sends; column: the VNIC that captures; grouped by network (lines). Hover a cell for the model's explanation.</div>\n<div class=\"legend\">");
        foreach (var s in Enum.GetValues<PairStatus>().Where(s => s != PairStatus.Self))
        {
            h.Append(CultureInfo.InvariantCulture, $"<span><i style=\"background:{Colour(s)}\"></i>{AuditText.Status(s)}</span>");
        }

        h.Append("</div>\n<canvas id=\"heat\"></canvas><div id=\"tip\"></div>\n");
        WriteGroups(h, GroupMatrix.From(result));
        WriteFindings(h, result, evidence);
        h.Append(CultureInfo.InvariantCulture, $"<script>const D = {json};\n").Append(Script).Append("</script>\n</body></html>\n");
        writer.Write(h.ToString());
    }

    private static void WriteGroups(StringBuilder h, GroupMatrix groups)
    {
        h.Append("<h2>By network</h2><table class=\"groups\"><tr><th>from \\ to</th>");
        foreach (var g in groups.Groups)
        {
            h.Append(CultureInfo.InvariantCulture, $"<th>{E(g)}</th>");
        }

        h.Append("</tr>\n");
        for (var a = 0; a < groups.Groups.Count; a++)
        {
            h.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(groups.Groups[a])}</th>");
            for (var b = 0; b < groups.Groups.Count; b++)
            {
                var (pairs, worst, counts) = groups.Cells[a, b];
                if (pairs == 0)
                {
                    h.Append("<td class=\"muted\">—</td>");
                    continue;
                }

                var text = string.Join(", ", counts.OrderByDescending(c => c.Key).Select(c => $"{c.Value} {AuditText.Status(c.Key)}"));
                var light = worst is PairStatus.Isolated or PairStatus.Self;
                h.Append(CultureInfo.InvariantCulture, $"<td style=\"background:{Colour(worst)};color:{(light ? "#1d2430" : "#fff")}\">{E(text)}</td>");
            }

            h.Append("</tr>\n");
        }

        h.Append("</table>\n");
    }

    private static string HeaderTable(AuditHeader? header) => header is null
        ? ""
        : "<table class=\"facts\">" + string.Concat(AuditText.HeaderFields(header).Select(f => $"<tr><td>{E(f.Label)}</td><td><code>{E(f.Value)}</code></td></tr>")) + "</table>";

    private static void WriteFindings(StringBuilder h, AuditResult result, IReadOnlyList<string?>? evidence)
    {
        h.Append(CultureInfo.InvariantCulture, $"<h2>Findings ({result.Findings.Count}) by likely cause ({result.Causes.Count})</h2>\n");
        if (result.IsClean)
        {
            h.Append("<p>None: every probe crossed exactly where the model says it must, and nowhere else.</p>\n");
        }

        var listed = new bool[result.Findings.Count];
        foreach (var cause in result.Causes)
        {
            h.Append(CultureInfo.InvariantCulture, $"<div class=\"cause\"><h3>{E(cause.Title)}</h3><div>{E(cause.Explanation)}</div>");
            h.Append(CultureInfo.InvariantCulture, $"<div class=\"muted\">{AuditText.Cause(cause.Kind)} · {cause.Findings.Count} finding{(cause.Findings.Count == 1 ? "" : "s")}</div>\n");
            foreach (var i in cause.Findings.Where(i => i < listed.Length))
            {
                listed[i] = true;
                WriteFinding(h, result, i, evidence);
            }

            h.Append("</div>\n");
        }

        for (var i = 0; i < listed.Length; i++)
        {
            if (!listed[i])
            {
                WriteFinding(h, result, i, evidence);
            }
        }
    }

    private static void WriteFinding(StringBuilder h, AuditResult result, int i, IReadOnlyList<string?>? evidence)
    {
        var endpoints = result.Topology.Endpoints;
        var f = result.Findings[i];
        var to = AuditText.To(result.Topology, f) is { } receiver ? $" → {E(receiver)}" : "";
        var file = evidence is not null && i < evidence.Count ? evidence[i] : null;
        var link = file is null ? "" : $"<div>evidence: <a href=\"evidence/{Uri.EscapeDataString(file)}\">{E(file)}</a></div>";
        h.Append(CultureInfo.InvariantCulture, $"""
            <div class="finding" style="border-color:{Colour(StatusOf(f.Kind))}"><b>{FindingKinds.Name(f.Kind)}</b> {E(endpoints[f.Source].Name)}{to} <code>{ProbeKinds.Name(f.Probe)}</code>
            <div>expected: {E(f.Expected)}</div><div>observed: {E(f.Observed)}</div>{link}</div>

            """);
    }

    private static PairStatus StatusOf(FindingKind kind) => kind switch
    {
        FindingKind.Leak => PairStatus.Leak,
        FindingKind.Blackhole => PairStatus.Blackhole,
        FindingKind.SpoofPassed => PairStatus.SpoofPassed,
        FindingKind.VlanHop => PairStatus.VlanHop,
        _ => PairStatus.SpoofPassed,
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Script = """
        const n = D.names.length, canvas = document.getElementById('heat'), tip = document.getElementById('tip');
        const cell = Math.max(3, Math.min(26, Math.floor(1100 / Math.max(n, 1))));
        const labels = cell >= 10;
        const ctx0 = canvas.getContext('2d'); ctx0.font = '12px system-ui, sans-serif';
        const labelWidth = labels ? Math.ceil(Math.max(...D.names.map(s => ctx0.measureText(s).width))) + 10 : 0;
        const ratio = window.devicePixelRatio || 1;
        const width = labelWidth + n * cell + 2, height = labelWidth + n * cell + 2;
        canvas.width = width * ratio; canvas.height = height * ratio; canvas.style.width = width + 'px'; canvas.style.height = height + 'px';
        const ctx = canvas.getContext('2d'); ctx.scale(ratio, ratio); ctx.font = '12px system-ui, sans-serif'; ctx.fillStyle = '#1d2430';
        if (labels) {
          D.names.forEach((s, i) => {
            ctx.textAlign = 'right'; ctx.textBaseline = 'middle'; ctx.fillText(s, labelWidth - 6, labelWidth + i * cell + cell / 2);
            ctx.save(); ctx.translate(labelWidth + i * cell + cell / 2, labelWidth - 6); ctx.rotate(-Math.PI / 2);
            ctx.textAlign = 'left'; ctx.fillText(s, 0, 0); ctx.restore();
          });
        }
        for (let s = 0; s < n; s++) for (let r = 0; r < n; r++) {
          ctx.fillStyle = D.colours[D.status.charCodeAt(s * n + r) - 48];
          ctx.fillRect(labelWidth + r * cell, labelWidth + s * cell, cell - (cell > 4 ? 1 : 0), cell - (cell > 4 ? 1 : 0));
        }
        ctx.strokeStyle = '#1d2430'; ctx.lineWidth = 1;
        D.groupStarts.forEach(i => {
          const at = labelWidth + i * cell - 0.5;
          ctx.beginPath(); ctx.moveTo(at, labelWidth); ctx.lineTo(at, labelWidth + n * cell); ctx.stroke();
          ctx.beginPath(); ctx.moveTo(labelWidth, at); ctx.lineTo(labelWidth + n * cell, at); ctx.stroke();
        });
        canvas.addEventListener('mousemove', e => {
          const box = canvas.getBoundingClientRect();
          const r = Math.floor((e.clientX - box.left - labelWidth) / cell), s = Math.floor((e.clientY - box.top - labelWidth) / cell);
          if (r < 0 || s < 0 || r >= n || s >= n || r === s) { tip.style.display = 'none'; return; }
          const st = D.labels[D.status.charCodeAt(s * n + r) - 48];
          tip.innerHTML = '<b>' + D.names[s] + ' → ' + D.names[r] + '</b>: ' + st + '<br>' + D.explanations[D.explain[s * n + r]]
            + '<br><span style="opacity:.7">' + D.details[s] + '<br>' + D.details[r] + '</span>';
          tip.style.left = (e.clientX + 14) + 'px'; tip.style.top = (e.clientY + 14) + 'px'; tip.style.display = 'block';
        });
        canvas.addEventListener('mouseleave', () => tip.style.display = 'none');

        """;
}
