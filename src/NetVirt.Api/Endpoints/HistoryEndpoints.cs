using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Hosting;
using NetVirt.Api.Views;
using NetVirt.Store.Journal;

namespace NetVirt.Api.Endpoints;

/// <summary><c>/history</c>: the apply journal (every apply run for good, with each step's commands, exit codes and stderr), as <c>netvirt history</c>.</summary>
public static class HistoryEndpoints
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapHistoryEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/history").WithTags("history").WithProblems();
        group.MapGet("/", List).WithName("ListHistory");
        group.MapGet("/{id:long}", Get).WithName("GetHistoryRun");
        return group;
    }

    private static Ok<List<RunRecord>> List(int? limit, ApiState state) =>
        TypedResults.Ok(state.Store.Journal.Runs(Math.Clamp(limit ?? 20, 1, 1000)).Select(r => r with { PlanJson = "" }).ToList());

    private static Ok<HistoryRunView> Get(long id, ApiState state)
    {
        var record = state.Store.Journal.Run(id);
        return TypedResults.Ok(new HistoryRunView(record with { PlanJson = "" }, JsonNode.Parse(record.PlanJson)!.AsObject(), state.Store.Journal.Steps(id)));
    }
}
