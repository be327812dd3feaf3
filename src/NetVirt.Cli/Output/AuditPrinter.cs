using NetVirt.Audit.Passive;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Reports;
using NetVirt.Audit.Verdicts;
using Spectre.Console;

namespace NetVirt.Cli.Output;

/// <summary>
/// Prints an audit for people: the matrix (every pair when it fits, else by network, with the full matrix in the HTML
/// and JSON reports), the findings with the model's explanation, and where the reports are.
/// </summary>
public static class AuditPrinter
{
    /// <summary>Largest number of VNICs shown as a full matrix in the terminal.</summary>
    public const int FullMatrixLimit = 24;

    /// <summary>Findings listed in the terminal; the reports have all of them.</summary>
    public const int FindingsShown = 40;

    /// <summary>Prints <paramref name="result"/>.</summary>
    public static void Print(IAnsiConsole console, AuditResult result, ReportDirectory? reports)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(result);
        var endpoints = result.Topology.Endpoints;
        var run = result.Run;
        if (result.Header is { } header)
        {
            console.MarkupLineInterpolated($"[grey]{string.Join("  ", AuditText.HeaderFields(header).Select(f => $"{f.Label} {f.Value}"))}[/]");
        }

        console.MarkupLine($"Audited [bold]{endpoints.Count}[/] VNICs, {result.Topology.PairCount:N0} ordered pairs: {run.ProbesSent:N0} probes sent, {run.FramesCaptured:N0} frames captured, {run.Arrivals:N0} probe arrivals in {run.Duration.TotalSeconds:0.00} s.");
        console.MarkupLineInterpolated($"[grey]{AuditText.Mode(result.Mode)} audit: {AuditText.Coverage(result)}[/]");
        console.WriteLine();
        if (result.Rows <= FullMatrixLimit)
        {
            PrintFullMatrix(console, result);
        }
        else
        {
            PrintGroupMatrix(console, result);
        }

        console.MarkupLine($"[grey]legend: {Legend(PairStatus.Reachable)} reachable  {Legend(PairStatus.Isolated)} isolated  {Legend(PairStatus.Leak)} LEAK  {Legend(PairStatus.Blackhole)} BLACKHOLE  {Legend(PairStatus.SpoofPassed)} SPOOF_PASSED  {Legend(PairStatus.VlanHop)} VLAN_HOP   (row sends, column captures)[/]");
        console.WriteLine();
        PrintFindings(console, result, reports);
        foreach (var note in run.Notes)
        {
            console.MarkupLineInterpolated($"[grey]note: {note}[/]");
        }

        if (reports is not null)
        {
            console.MarkupLineInterpolated($"Reports in {reports.Path}: report.html, report.json, junit.xml, {reports.EvidenceFiles} evidence pcapng file(s)");
        }

        var counts = result.CountByKind();
        console.MarkupLine(result.IsClean
            ? "[green bold]CLEAN[/]: every probe crossed exactly where the model says it must, and nowhere else."
            : $"[red bold]{result.Findings.Count} finding(s)[/]: {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Value} {FindingKinds.Name(c.Key)}"))}");
    }

    /// <summary>Prints a passive audit.</summary>
    public static void Print(IAnsiConsole console, PassiveResult result)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(result);
        var endpoints = result.Topology.Endpoints;
        console.MarkupLine($"Watched [bold]{endpoints.Count}[/] VNICs for {result.Duration.TotalSeconds:0.0} s: {result.FramesSeen:N0} frames.");
        foreach (var f in result.Findings)
        {
            var where = f.Outbound ? $"sent by {endpoints[f.Endpoint].Name}" : $"received by {endpoints[f.Endpoint].Name}" + (f.Sender >= 0 ? $" from {endpoints[f.Sender].Name}" : "");
            console.MarkupLineInterpolated($"[red]{FindingKinds.Name(f.Kind)}[/] {where}: source {f.Source}, {f.Count} frame(s); allowed: {f.Expected}");
        }

        foreach (var note in result.Notes)
        {
            console.MarkupLineInterpolated($"[grey]note: {note}[/]");
        }

        console.MarkupLine(result.IsClean ? "[green bold]CLEAN[/]: every frame came from a source its VNIC may use." : $"[red bold]{result.Findings.Count} finding(s)[/]");
    }

    private static void PrintFullMatrix(IAnsiConsole console, AuditResult result)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("from \\ to");
        for (var r = 0; r < result.Rows; r++)
        {
            table.AddColumn(new TableColumn((r + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)).Centered());
        }

        for (var s = 0; s < result.Rows; s++)
        {
            var cells = new List<string> { (s + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(result.RowName(s)) };
            for (var r = 0; r < result.Rows; r++)
            {
                cells.Add(Legend(result.Pair(s, r)));
            }

            table.AddRow(cells.ToArray());
        }

        console.Write(table);
    }

    private static void PrintGroupMatrix(IAnsiConsole console, AuditResult result)
    {
        var groups = GroupMatrix.From(result);
        console.MarkupLine($"[grey]{result.Topology.Endpoints.Count} VNICs in {result.Rows} rows: matrix by network (the full matrix is in report.html and report.json)[/]");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("from \\ to");
        foreach (var g in groups.Groups)
        {
            table.AddColumn(new TableColumn(Markup.Escape(g)).Centered());
        }

        for (var a = 0; a < groups.Groups.Count; a++)
        {
            var cells = new List<string> { Markup.Escape(groups.Groups[a]) };
            for (var b = 0; b < groups.Groups.Count; b++)
            {
                var (pairs, worst, counts) = groups.Cells[a, b];
                cells.Add(pairs == 0 ? "[grey]—[/]" : $"{Legend(worst)} {(worst is PairStatus.Reachable or PairStatus.Isolated ? pairs.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{counts[worst]}/{pairs}")}");
            }

            table.AddRow(cells.ToArray());
        }

        console.Write(table);
    }

    // Findings under their likely cause; the reports have all of them.
    private static void PrintFindings(IAnsiConsole console, AuditResult result, ReportDirectory? reports)
    {
        var endpoints = result.Topology.Endpoints;
        var shown = 0;
        IReadOnlyList<(FindingCause? Cause, IReadOnlyList<int> Findings)> groups = result.Causes.Count > 0
            ? [.. result.Causes.Select(c => ((FindingCause?)c, c.Findings))]
            : [(null, Enumerable.Range(0, result.Findings.Count).ToList())];
        if (result.Causes.Count > 0)
        {
            console.MarkupLineInterpolated($"[bold]{result.Findings.Count} finding(s) from {result.Causes.Count} likely cause(s):[/]");
        }

        foreach (var (cause, findings) in groups)
        {
            if (cause is not null)
            {
                console.MarkupLineInterpolated($"[bold]CAUSE[/] {cause.Title} [grey]({AuditText.Cause(cause.Kind)}, {cause.Findings.Count} finding(s))[/]");
                console.MarkupLineInterpolated($"    {cause.Explanation}");
            }

            foreach (var i in findings)
            {
                if (shown++ >= FindingsShown)
                {
                    continue;
                }

                var f = result.Findings[i];
                var to = AuditText.To(result.Topology, f) is { } receiver ? $" -> {receiver}" : "";
                console.MarkupLineInterpolated($"  [red bold]{FindingKinds.Name(f.Kind)}[/] {endpoints[f.Source].Name}{to} [grey][[{ProbeKinds.Name(f.Probe)}]][/]");
                console.MarkupLineInterpolated($"      expected {f.Expected}");
                console.MarkupLineInterpolated($"      observed {f.Observed}");
                if (reports is not null && f.Frames.Count > 0 && i < EvidenceWriter.MaxFiles)
                {
                    console.MarkupLineInterpolated($"      [grey]evidence {Path.Combine(reports.Path, "evidence", AuditText.EvidenceName(result, f, i + 1))}[/]");
                }
            }
        }

        if (result.Findings.Count > FindingsShown)
        {
            console.MarkupLine($"[grey]… and {result.Findings.Count - FindingsShown} more findings in the reports[/]");
        }

        if (result.Findings.Count > 0)
        {
            console.WriteLine();
        }
    }

    private static string Legend(PairStatus status) => status switch
    {
        PairStatus.Self => "[grey]·[/]",
        PairStatus.Isolated => "[grey]-[/]",
        PairStatus.Reachable => "[green]✓[/]",
        PairStatus.Blackhole => "[black on orange1]B[/]",
        PairStatus.Leak => "[white on red]L[/]",
        PairStatus.SpoofPassed => "[white on purple]S[/]",
        _ => "[white on magenta]V[/]",
    };
}
