using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Hosting;
using NetVirt.Api.Reconcile;
using NetVirt.Model.Errors;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// <c>POST /audit</c> queues an isolation audit on the reconcile service (one run at a time, never beside an apply)
/// and answers 202 with the run; <c>GET /audits/{id}</c> (<c>?wait=SECONDS</c>) gives its state and, once done, the
/// report (the document of <c>netvirt audit --output json</c>) and the report files written on the server. Audit runs
/// share their ids with <c>/runs</c>. Where no audit can run (not Linux, not root) the POST answers 503 at once.
/// </summary>
public static class AuditEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapPost("/audit", Start).WithTags("audit").WithProblems().WithName("StartAudit");
        routes.MapGet("/audits/{id:long}", Get).WithTags("audit").WithProblems().WithName("GetAudit");
        return routes;
    }

    private static Accepted<ReconcileRun> Start(ApiState state)
    {
        var run = state.Reconcile.Enqueue(ReconcileService.AuditRequest("api", state.NewAuditor(), state.AuditReportRoot));
        return TypedResults.Accepted($"/audits/{run.Id}", run);
    }

    private static async Task<Ok<AuditRunView>> Get(long id, int? wait, ApiState state, CancellationToken cancellationToken)
    {
        var run = state.Reconcile.Run(id);
        if (run is null || run.Kind != "audit")
        {
            throw new UnknownObjectException($"there is no audit run {id} on this server (runs are kept in memory since the server started; reports stay under {state.AuditReportRoot})");
        }

        run = await ReconcileEndpoints.WaitAsync(state.Reconcile, run, wait, cancellationToken);
        var report = run.Result?.ReportJson is { } json ? JsonNode.Parse(json)!.AsObject() : null;
        return TypedResults.Ok(new AuditRunView(run, report, run.Result?.ReportFiles ?? []));
    }
}

/// <summary>An audit run: its state, and once done its report and the files written on the server.</summary>
/// <param name="Run">The run (as <c>/runs/{id}</c> shows it).</param>
/// <param name="Report">The report document, once the audit finished.</param>
/// <param name="Files">The report files on the server.</param>
public sealed record AuditRunView(ReconcileRun Run, JsonObject? Report, IReadOnlyList<string> Files);
