using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Errors;
using NetVirt.Api.Hosting;
using NetVirt.Api.Reconcile;
using NetVirt.Model.Errors;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// The audit runs this server knows (<c>GET /audits</c>) and the files each wrote (<c>GET /audits/{id}/files</c>,
/// <c>GET /audits/{id}/files/{path}</c>: the reports and the evidence captures). A file is served only when it is
/// one the run itself listed, looked up by its path relative to the run's report folder, so no path (<c>..</c>,
/// an absolute path, an encoded slash) reaches any other file. Files are sent as attachments with
/// <c>nosniff</c>, so a report's HTML never runs in the dashboard's origin.
/// </summary>
public static class AuditFileEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapAuditFileEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/audits", List).WithTags("audit").WithProblems().WithName("ListAudits")
            .WithSummary("Audit runs since the server started, newest first");
        routes.MapGet("/audits/{id:long}/files", Files).WithTags("audit").WithProblems().WithName("ListAuditFiles")
            .WithSummary("The report and evidence files an audit run wrote");
        routes.MapGet("/audits/{id:long}/files/{**path}", Download).WithTags("audit").WithProblems().WithName("GetAuditFile")
            .WithSummary("Downloads one report or evidence file of an audit run (path as listed by /audits/{id}/files)")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");
        return routes;
    }

    private static Ok<List<ReconcileRun>> List(int? limit, ApiState state) =>
        TypedResults.Ok(state.Reconcile.Runs(1000).Where(r => r.Kind == "audit").Take(Math.Clamp(limit ?? 50, 1, 1000)).ToList());

    private static Ok<List<AuditFileView>> Files(long id, ApiState state) =>
        TypedResults.Ok(FilesOf(Audit(state, id), id).Select(f => f.View).ToList());

    private static IResult Download(long id, string path, HttpContext context, ApiState state)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        var matches = FilesOf(Audit(state, id), id).Where(f => string.Equals(f.View.Path, path, StringComparison.Ordinal)).ToList();
        var file = matches.Count == 1 ? matches[0]
            : throw new UnknownObjectException($"audit run {id} wrote no file '{path}'; GET /audits/{id}/files lists its files");
        return TypedResults.PhysicalFile(file.FullPath, ContentType(file.FullPath), Path.GetFileName(file.FullPath));
    }

    private static ReconcileRun Audit(ApiState state, long id)
    {
        var run = state.Reconcile.Run(id);
        return run is { Kind: "audit" } ? run
            : throw new UnknownObjectException($"there is no audit run {id} on this server (runs are kept in memory since the server started; reports stay under {state.AuditReportRoot})");
    }

    /// <summary>The files of a finished audit, relative to its report folder (the folder of its first file, report.json).</summary>
    private static IEnumerable<(AuditFileView View, string FullPath)> FilesOf(ReconcileRun run, long id)
    {
        var files = run.Result?.ReportFiles ?? [];
        if (files.Count == 0)
        {
            yield break;
        }

        var root = Path.GetDirectoryName(Path.GetFullPath(files[0]))!;
        foreach (var file in files)
        {
            var full = Path.GetFullPath(file);
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
            {
                continue;
            }

            var relative = Path.GetRelativePath(root, full).Replace(Path.DirectorySeparatorChar, '/');
            var url = $"/audits/{id}/files/{string.Join('/', relative.Split('/').Select(Uri.EscapeDataString))}";
            yield return (new AuditFileView(relative, new FileInfo(full).Length, url), full);
        }
    }

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".pcap" => "application/vnd.tcpdump.pcap",
        ".pcapng" => "application/x-pcapng",
        ".json" => "application/json",
        ".xml" => "application/xml",
        ".html" => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    };
}

/// <summary>A file an audit run wrote.</summary>
/// <param name="Path">Path relative to the run's report folder (<c>report.json</c>, <c>evidence/0001-LEAK-....pcap</c>).</param>
/// <param name="Size">Bytes.</param>
/// <param name="Url">Where to download it (with the bearer token).</param>
public sealed record AuditFileView(string Path, long Size, string Url);
