using System.Globalization;
using NetVirt.Audit.Verdicts;

namespace NetVirt.Audit.Reports;

/// <summary>
/// The files of one audit, kept together as evidence: <c>report.json</c>, <c>junit.xml</c>, <c>report.html</c> and
/// <c>evidence/*.pcapng</c> (one per finding). The default folder is timestamped, so runs never overwrite each other.
/// </summary>
public sealed record ReportDirectory(string Path, string Json, string JUnit, string Html, int EvidenceFiles)
{
    /// <summary><c>netvirt-audit-20260102-150405</c> under <paramref name="parent"/>.</summary>
    public static string DefaultPath(DateTimeOffset started, string parent) =>
        System.IO.Path.Combine(parent, "netvirt-audit-" + started.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    /// <summary>Writes every report of <paramref name="result"/> into <paramref name="path"/> (created if missing).</summary>
    public static ReportDirectory Write(AuditResult result, string path)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(path);
        var evidence = EvidenceWriter.Write(result, System.IO.Path.Combine(path, "evidence"));
        var json = System.IO.Path.Combine(path, "report.json");
        using (var stream = File.Create(json))
        {
            JsonReportWriter.Write(stream, result, evidence);
        }

        var junit = System.IO.Path.Combine(path, "junit.xml");
        using (var stream = File.Create(junit))
        {
            JUnitReportWriter.Write(stream, result);
        }

        var html = System.IO.Path.Combine(path, "report.html");
        using (var writer = new StreamWriter(html))
        {
            HtmlReportWriter.Write(writer, result, evidence);
        }

        return new ReportDirectory(path, json, junit, html, evidence.Count(e => e is not null));
    }
}
