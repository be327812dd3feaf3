using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using NetVirt.Api.Errors;
using NetVirt.Api.Hosting;
using NetVirt.Api.Reconcile;
using NetVirt.Api.Views;
using NetVirt.Documents;
using NetVirt.Model.Errors;
using NetVirt.Store;

namespace NetVirt.Api.Endpoints;

/// <summary>
/// The host side, always through the reconcile service (one run at a time): <c>GET /plan</c> and <c>GET /drift</c>
/// wait for their run and answer with it; <c>POST /apply</c> and <c>POST /destroy</c> queue a run and answer 202 with
/// its id; <c>GET /runs</c> and <c>GET /runs/{id}</c> (<c>?wait=SECONDS</c> to wait for the end) follow them.
/// </summary>
public static class ReconcileEndpoints
{
    /// <summary>Longest <c>?wait=</c> a client may ask for.</summary>
    public const int MaxWaitSeconds = 300;

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapReconcileEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/plan", Plan).WithTags("reconcile").WithProblems().WithName("GetPlan");
        routes.MapPost("/plan", PlanDocument).WithTags("reconcile").WithProblems().WithName("PlanDocument").Accepts<JsonObject>("application/json", "application/yaml");
        routes.MapGet("/drift", Drift).WithTags("reconcile").WithProblems().WithName("GetDrift");
        routes.MapPost("/apply", Apply).WithTags("reconcile").WithProblems().WithName("Apply").Accepts<ApplyRequestBody>("application/json");
        routes.MapPost("/destroy", Destroy).WithTags("reconcile").WithProblems().WithName("Destroy");
        var runs = routes.MapGroup("/runs").WithTags("reconcile").WithProblems();
        runs.MapGet("/", Runs).WithName("ListRuns");
        runs.MapGet("/{id:long}", Run).WithName("GetRun");
        return routes;
    }

    private static async Task<Ok<PlanView>> Plan(bool? destroy, ApiState state, CancellationToken cancellationToken)
    {
        var run = await RunAndWaitAsync(state.Reconcile, ReconcileService.PlanRequest("api", destroy == true), cancellationToken);
        var plan = run.Result!.Plan!;
        return TypedResults.Ok(new PlanView(plan.Generation, plan.Target, plan.HostObserved, JsonNode.Parse(run.Result.PlanJson!)!.AsObject()));
    }

    /// <summary>
    /// The plan for a document that is not stored (<c>apply -f FILE --dry-run</c> over <c>--server</c>): validated as
    /// <c>PUT /state</c> validates, allocated in a transaction that is rolled back, planned against the host. Nothing is
    /// stored and nothing is applied, whatever the reconcile mode.
    /// </summary>
    private static async Task<Ok<PreviewView>> PlanDocument(bool? allowEmpty, HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var loaded = DocumentLoader.Load("request body", await EndpointSupport.BodyAsync(context, cancellationToken));
        var errors = DocumentValidation.Validate(loaded, state.Target);
        if (errors.Count > 0)
        {
            throw new ModelValidationException(errors);
        }

        var (current, preview) = state.Store.Preview(loaded.Model, state.Target, allowEmpty == true);
        var run = await RunAndWaitAsync(state.Reconcile, ReconcileService.PlanRequest("api dry-run", preview: preview), cancellationToken);
        var plan = run.Result!.Plan!;
        return TypedResults.Ok(new PreviewView(
            new PlanView(plan.Generation, plan.Target, plan.HostObserved, JsonNode.Parse(run.Result.PlanJson!)!.AsObject()),
            AllocationView.Between(current.Resolved, preview.Resolved)));
    }

    private static async Task<Ok<DriftView>> Drift(ApiState state, CancellationToken cancellationToken)
    {
        var run = await RunAndWaitAsync(state.Reconcile, state.Reconcile.DriftRequest("api"), cancellationToken, acceptFailure: true);
        if (run.Result?.Plan is not { } plan || run.Result.DriftItems is not { } drift)
        {
            throw new ReconcileFailedException(run);
        }

        return TypedResults.Ok(DriftView.From(plan, drift));
    }

    private static async Task<Accepted<ReconcileRun>> Apply(HttpContext context, ApiState state, CancellationToken cancellationToken)
    {
        var body = await ReadApplyBodyAsync(context, cancellationToken);
        if (body.Generation is { } expected && state.Store.Generation() is var current && current != expected)
        {
            throw new ConcurrencyConflictException($"the desired state is at generation {current}, not {expected} as approved; plan again");
        }

        var run = state.Reconcile.Enqueue(state.Reconcile.ApplyRequest("api", automatic: false, body.KeepGoing ?? false, body.Generation));
        return TypedResults.Accepted($"/runs/{run.Id}", run);
    }

    private static Accepted<ReconcileRun> Destroy(ApiState state)
    {
        var run = state.Reconcile.Enqueue(ReconcileService.DestroyRequest("api"));
        return TypedResults.Accepted($"/runs/{run.Id}", run);
    }

    private static Ok<IReadOnlyList<ReconcileRun>> Runs(int? limit, ApiState state) => TypedResults.Ok(state.Reconcile.Runs(Math.Clamp(limit ?? 50, 1, 1000)));

    private static async Task<Ok<ReconcileRun>> Run(long id, int? wait, ApiState state, CancellationToken cancellationToken)
    {
        var run = state.Reconcile.Run(id) ?? throw new UnknownObjectException($"there is no run {id} on this server (runs are kept in memory: {state.Reconcile.Options.KeepRuns} finished, since the server started; the apply journal is under /history)");
        return TypedResults.Ok(await WaitAsync(state.Reconcile, run, wait, cancellationToken));
    }

    /// <summary>
    /// <paramref name="run"/> once it has finished, or as it stands after <paramref name="waitSeconds"/> (at most
    /// <see cref="MaxWaitSeconds"/>): the long poll of <c>?wait=</c>.
    /// </summary>
    internal static async Task<ReconcileRun> WaitAsync(ReconcileService service, ReconcileRun run, int? waitSeconds, CancellationToken cancellationToken)
    {
        if (waitSeconds is not > 0 || run.State is not (ReconcileRunState.Queued or ReconcileRunState.Running))
        {
            return run;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(waitSeconds.Value, MaxWaitSeconds)));
        try
        {
            return await service.WaitAsync(run.Id, timeout.Token) ?? run;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return service.Run(run.Id) ?? run;
        }
    }

    private static async Task<ReconcileRun> RunAndWaitAsync(ReconcileService service, ReconcileRequest request, CancellationToken cancellationToken, bool acceptFailure = false)
    {
        var queued = service.Enqueue(request);
        var run = await service.WaitAsync(queued.Id, cancellationToken) ?? throw new UnknownObjectException($"run {queued.Id} is gone");
        return run.State == ReconcileRunState.Succeeded || (acceptFailure && run.Result?.Plan is not null) ? run : throw new ReconcileFailedException(run);
    }

    private static async Task<ApplyRequestBody> ReadApplyBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength is null or 0 && !context.Request.Headers.TransferEncoding.Any())
        {
            return new ApplyRequestBody(null, null);
        }

        var text = await EndpointSupport.BodyAsync(context, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize<ApplyRequestBody>(text, ApiJson.Options) ?? new ApplyRequestBody(null, null);
        }
        catch (JsonException ex)
        {
            throw new RequestInvalidException(ex.Path is { Length: > 0 } p ? p : "$", "json.invalid", $"the apply request is not {{\"generation\": N, \"keep-going\": true|false}}: {ex.Message}");
        }
    }
}
