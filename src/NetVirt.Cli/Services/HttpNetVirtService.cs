using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NetVirt.Api;
using NetVirt.Api.Reconcile;
using NetVirt.Api.Views;
using NetVirt.Backends.Execution;
using NetVirt.Documents;
using NetVirt.Model.Addressing;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Planning.Plans;
using NetVirt.Store;
using NetVirt.Store.DesiredState;
using NetVirt.Store.Journal;

namespace NetVirt.Cli.Services;

/// <summary>
/// The commands' work done by a running <c>netvirt serve</c> (<c>--server URL</c>). Documents are still read and
/// checked for structure here, so errors point at files and lines; the server validates for its own target, stores,
/// plans and applies. Problem documents come back as the exceptions the local path throws, so exit codes match.
/// </summary>
public sealed class HttpNetVirtService : INetVirtService, IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Creates the client for <paramref name="server"/> with the bearer <paramref name="token"/>, if any.</summary>
    public HttpNetVirtService(Uri server, string? token, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = server;
        // An apply waits for its run in slices of at most a minute; this only bounds one request.
        _http.Timeout = TimeSpan.FromMinutes(5);
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>The server.</summary>
    public Uri Server { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ValidationError>> ValidateAsync(LoadResult loaded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (loaded.Errors.Any(DocumentValidation.IsUnreadable))
        {
            return loaded.Errors;
        }

        // Structure is checked here, against the files; meaning is the server's to judge, for its target. What was
        // read goes over as one document with the same list positions, so the server's paths point into the files.
        IReadOnlyList<ValidationError> semantic;
        try
        {
            await SendAsync<StateWriteView>(HttpMethod.Put, "/state?dryRun=true", Yaml(loaded.Model), cancellationToken).ConfigureAwait(false);
            semantic = [];
        }
        catch (ModelValidationException ex)
        {
            semantic = ex.Errors;
        }

        return [.. loaded.Errors, .. semantic.Where(e => !loaded.Errors.Any(s => DocumentValidation.Related(s.Path, e.Path)))];
    }

    /// <inheritdoc />
    public async Task<WriteOutcome> StoreAsync(NetworkModel model, bool allowEmpty, CancellationToken cancellationToken)
    {
        var written = await SendAsync<StateWriteView>(HttpMethod.Put, allowEmpty ? "/state?allowEmpty=true" : "/state", Yaml(model), cancellationToken).ConfigureAwait(false);
        return new WriteOutcome(written.Generation ?? 0, written.Changed);
    }

    /// <inheritdoc />
    public Task<long?> UnchangedDocumentsAsync(string digest, CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    /// <inheritdoc />
    public Task RecordDocumentsAsync(string digest, long generation, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task<(PlanOutcome Plan, IReadOnlyList<AllocationView> Allocations)> PreviewAsync(NetworkModel model, bool allowEmpty, CancellationToken cancellationToken)
    {
        // POST /plan with the document: the server previews and plans it without storing it, so a dry run never
        // reaches its reconcile service as a change (which, with --reconcile auto, would be applied).
        var view = await SendAsync<PreviewView>(HttpMethod.Post, allowEmpty ? "/plan?allowEmpty=true" : "/plan", Yaml(model), cancellationToken).ConfigureAwait(false);
        return (ToOutcome(view.Plan), view.Allocations);
    }

    /// <inheritdoc />
    public async Task<string> DeploymentIdAsync(CancellationToken cancellationToken) =>
        (await GetAsync<Api.Endpoints.HealthView>("/healthz", cancellationToken).ConfigureAwait(false)).DeploymentId;

    /// <inheritdoc />
    public async Task<Api.Views.Topology.TopologyView> TopologyAsync(CancellationToken cancellationToken) =>
        await GetAsync<Api.Views.Topology.TopologyView>("/topology", cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Api.Endpoints.HostView>> HostsAsync(CancellationToken cancellationToken) =>
        await GetAsync<List<Api.Endpoints.HostView>>("/hosts", cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<StoredState> LoadAsync(CancellationToken cancellationToken)
    {
        // Two reads; if a write lands between them, read again so authored and resolved are of one generation.
        for (var attempt = 0; ; attempt++)
        {
            var (authored, generation) = await DocumentAsync("/state?format=yaml", cancellationToken).ConfigureAwait(false);
            var (resolved, again) = await DocumentAsync("/state?format=yaml&resolved=true", cancellationToken).ConfigureAwait(false);
            if (generation == again || attempt == 2)
            {
                return new StoredState(again, authored, resolved);
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UsageView>> UsageAsync(string? network, CancellationToken cancellationToken) => network is null
        ? await GetAsync<List<UsageView>>("/ips", cancellationToken).ConfigureAwait(false)
        : (await GetAsync<NetworkIpsView>($"/networks/{Escape(network)}/ips", cancellationToken).ConfigureAwait(false)).Usage;

    /// <inheritdoc />
    public async Task<IReadOnlyList<AddressView>> AddressesAsync(string network, CancellationToken cancellationToken) =>
        (await GetAsync<NetworkIpsView>($"/networks/{Escape(network)}/ips", cancellationToken).ConfigureAwait(false)).Addresses;

    /// <inheritdoc />
    public async Task<IReadOnlyList<FreeRangeView>> FreeRangesAsync(string network, string? family, CancellationToken cancellationToken) =>
        await GetAsync<List<FreeRangeView>>($"/networks/{Escape(network)}/ips/free{(family is null ? "" : $"?family={Escape(family)}")}", cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<AddressView>> WhoAsync(IPAddress address, CancellationToken cancellationToken) =>
        await GetAsync<List<AddressView>>($"/ips/{Escape(address.ToString())}", cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<WriteOutcome> ReserveAsync(string network, IpRange range, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        var body = JsonSerializer.Serialize(new { network, start = range.First.ToString(), end = range.Last.ToString(), note }, ApiJson.Options);
        var written = await SendAsync<WriteView>(HttpMethod.Post, "/reservations", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken).ConfigureAwait(false);
        return new WriteOutcome(written.Generation, written.Changed);
    }

    /// <inheritdoc />
    public async Task<WriteOutcome> ReleaseAsync(string network, IpRange range, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        var written = await SendAsync<WriteView>(HttpMethod.Delete, $"/reservations/{Escape(network)}/{Escape(range.ToString())}", null, cancellationToken).ConfigureAwait(false);
        return new WriteOutcome(written.Generation, written.Changed);
    }

    /// <inheritdoc />
    public async Task<PlanOutcome> PlanAsync(bool observeHost, bool destroy, CancellationToken cancellationToken)
    {
        // The server always plans against its own host: observing it is what the server is for.
        return ToOutcome(await GetAsync<PlanView>(destroy ? "/plan?destroy=true" : "/plan", cancellationToken).ConfigureAwait(false));
    }

    private static PlanOutcome ToOutcome(PlanView view)
    {
        var (plan, commands) = PlanJson.Read(view.Plan.ToJsonString());
        return new PlanOutcome(view.Generation, view.Target, view.HostObserved, plan, step => commands.GetValueOrDefault(step.Index) ?? []);
    }

    /// <inheritdoc />
    public Task<DriftView> DriftAsync(CancellationToken cancellationToken) => GetAsync<DriftView>("/drift", cancellationToken);

    /// <inheritdoc />
    public Task<IDisposable?> ObserveAheadAsync(CancellationToken cancellationToken) => Task.FromResult<IDisposable?>(null);

    /// <inheritdoc />
    public Task<IDisposable?> AnticipateAsync(NetworkModel model, CancellationToken cancellationToken) => Task.FromResult<IDisposable?>(null);

    /// <inheritdoc />
    public async Task<(PlanOutcome Plan, RunSummary? Run)> ApplyAsync(ApplyOptions options, bool destroy, Func<PlanOutcome, bool> approve, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(approve);
        var plan = await PlanAsync(observeHost: true, destroy, cancellationToken).ConfigureAwait(false);
        if (!plan.Plan.Problems.IsEmpty || plan.Plan.Steps.IsEmpty || !approve(plan))
        {
            return (plan, null);
        }

        // The approved plan is for this generation; the server refuses the apply if the desired state moved on.
        var body = destroy ? null : new StringContent(JsonSerializer.Serialize(new ApplyRequestBodyJson(plan.Generation, options.KeepGoing), ApiJson.Options), Encoding.UTF8, "application/json");
        var run = await SendAsync<ReconcileRun>(HttpMethod.Post, destroy ? "/destroy" : "/apply", body, cancellationToken).ConfigureAwait(false);
        while (run.State is ReconcileRunState.Queued or ReconcileRunState.Running)
        {
            run = await GetAsync<ReconcileRun>($"/runs/{run.Id.ToString(CultureInfo.InvariantCulture)}?wait=60", cancellationToken).ConfigureAwait(false);
        }

        if (run.Result?.JournalRun is { } journalRun)
        {
            var history = await RunAsync(journalRun, cancellationToken).ConfigureAwait(false);
            return (plan, RunSummary.From(history.Run, history.Steps));
        }

        return run.State == ReconcileRunState.Succeeded
            ? (plan, null)
            : throw new NetVirtException($"the server's {run.Kind} run {run.Id} {run.Result?.Outcome ?? run.State.ToString().ToLowerInvariant()}: {run.Result?.Error ?? "no reason given"}");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunRecord>> RunsAsync(int limit, CancellationToken cancellationToken) =>
        await GetAsync<List<RunRecord>>($"/history?limit={limit.ToString(CultureInfo.InvariantCulture)}", cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task<HistoryRunView> RunAsync(long id, CancellationToken cancellationToken) =>
        GetAsync<HistoryRunView>($"/history/{id.ToString(CultureInfo.InvariantCulture)}", cancellationToken);

    /// <summary>Runs an isolation audit on the server's host and waits for its report.</summary>
    public async Task<Api.Endpoints.AuditRunView> AuditAsync(CancellationToken cancellationToken)
    {
        var run = await SendAsync<ReconcileRun>(HttpMethod.Post, "/audit", null, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var view = await GetAsync<Api.Endpoints.AuditRunView>($"/audits/{run.Id.ToString(CultureInfo.InvariantCulture)}?wait=60", cancellationToken).ConfigureAwait(false);
            if (view.Run.State is not (ReconcileRunState.Queued or ReconcileRunState.Running))
            {
                return view.Report is not null
                    ? view
                    : throw new NetVirtException($"the server's audit run {view.Run.Id} {view.Run.Result?.Outcome ?? view.Run.State.ToString().ToLowerInvariant()}: {view.Run.Result?.Error ?? "no reason given"}");
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static StringContent Yaml(NetworkModel model) => new(DocumentWriter.Write(model), Encoding.UTF8, "application/yaml");

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private async Task<(NetworkModel Model, long Generation)> DocumentAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var loaded = DocumentLoader.Load($"{Server} state", text);
        if (!loaded.IsValid)
        {
            throw new NetVirtException($"the server at {Server} sent a desired state this netvirt cannot read: {loaded.Errors[0]}");
        }

        var etag = response.Headers.ETag?.Tag.Trim('"');
        return (loaded.Model, long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var generation) ? generation : 0);
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        await SendAsync<T>(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(new HttpRequestMessage(method, path) { Content = content }, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize<T>(text, ApiJson.Options)
            ?? throw new NetVirtException($"the server at {Server} answered {method} {path} with an empty body");
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            using (request)
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (HttpRequestException ex)
        {
            throw new NetVirtException($"cannot reach the NetVirt server at {Server}: {ex.Message}; is 'netvirt serve' running there?", ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw ToException(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>The exception the local path would have thrown for a problem document.</summary>
    private NetVirtException ToException(HttpStatusCode status, string body)
    {
        string? detail = null;
        List<ValidationError>? errors = null;
        try
        {
            using var problem = JsonDocument.Parse(body);
            detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (problem.RootElement.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array)
            {
                errors = [.. e.EnumerateArray().Select(x => new ValidationError(x.GetProperty("path").GetString() ?? "", x.GetProperty("code").GetString() ?? "", x.GetProperty("message").GetString() ?? ""))];
            }
        }
        catch (JsonException)
        {
            detail = body.Length > 200 ? body[..200] : body;
        }

        detail ??= $"{(int)status} {status}";
        return status switch
        {
            HttpStatusCode.UnprocessableEntity when errors is { Count: > 0 } => new ModelValidationException(errors),
            HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge => new InvalidInputException(detail),
            HttpStatusCode.NotFound => new UnknownObjectException(detail),
            HttpStatusCode.Conflict when errors?.FirstOrDefault(e => e.Code == AddressHeldException.Code) is not null =>
                new AddressHeldException(detail, [.. errors!.Where(e => e.Code == AddressHeldException.Code).Select(e => e.Message)]),
            HttpStatusCode.Conflict when errors?.Any(e => e.Code == RequestRefusedException.RefusedCode) == true => new RequestRefusedException(detail),
            HttpStatusCode.Conflict => new ConcurrencyConflictException(detail),
            HttpStatusCode.PreconditionFailed => new NetVirtException(detail),
            HttpStatusCode.ServiceUnavailable => new StoreBusyException($"{detail} (server {Server})"),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                new NetVirtException($"the server at {Server} refused the request ({(int)status}): {detail}; give its write token with NETVIRT_API_TOKEN or --token-file"),
            _ => new NetVirtException($"the server at {Server} answered {(int)status}: {detail}"),
        };
    }

    private sealed record ApplyRequestBodyJson(long Generation, bool KeepGoing);
}
