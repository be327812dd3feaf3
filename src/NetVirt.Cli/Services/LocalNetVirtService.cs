using System.Net;
using System.Net.Sockets;
using NetVirt.Api.Views;
using NetVirt.Backends.Execution;
using NetVirt.Documents;
using NetVirt.Model.Addressing;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation;
using NetVirt.Store;
using NetVirt.Store.DesiredState;
using NetVirt.Store.Journal;

namespace NetVirt.Cli.Services;

/// <summary>The commands' work done here: the local database and this host's backend.</summary>
public sealed class LocalNetVirtService(CliContext context) : INetVirtService
{
    private NetVirtStore Store => context.Store;

    // Begun by ObserveAheadAsync, used by the next apply.
    private ObservationAhead? _ahead;

    private bool DatabaseExists => context.Database.FilePath is { } file ? File.Exists(file) : NetVirtDatabase.HoldsDeployment(context.Database);

    /// <inheritdoc />
    public Task<IReadOnlyList<ValidationError>> ValidateAsync(LoadResult loaded, CancellationToken cancellationToken) =>
        Task.FromResult(DocumentValidation.Validate(loaded, context.Target));

    /// <inheritdoc />
    public Task<WriteOutcome> StoreAsync(NetworkModel model, bool allowEmpty, CancellationToken cancellationToken) =>
        Task.FromResult(OpenWritableStore().Replace(model, context.Target, allowEmpty: allowEmpty));

    // The store that documents are written to, created when missing; opening it is a phase of its own in the trace.
    private NetVirtStore OpenWritableStore()
    {
        using var phase = Backends.Execution.Phases.Start("store open");
        return context.WritableStore;
    }

    /// <inheritdoc />
    public Task<long?> UnchangedDocumentsAsync(string digest, CancellationToken cancellationToken) =>
        Task.FromResult(DatabaseExists ? Store.UnchangedDocuments(digest) : null);

    /// <inheritdoc />
    public Task RecordDocumentsAsync(string digest, long generation, CancellationToken cancellationToken)
    {
        context.WritableStore.RecordDocuments(digest, generation);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<(PlanOutcome Plan, IReadOnlyList<AllocationView> Allocations)> PreviewAsync(NetworkModel model, bool allowEmpty, CancellationToken cancellationToken)
    {
        // A dry run creates no database and no schema: without one (no file, or a PostgreSQL database without NetVirt's
        // tables), it previews against a throwaway copy that starts empty, as the real database would (its MACs then
        // start where that copy's deployment id says; the real one gets its own).
        if (DatabaseExists)
        {
            var (current, preview) = Store.Preview(model, context.Target, allowEmpty);
            var reconciler = await context.ReconcilerAsync(cancellationToken).ConfigureAwait(false);
            var plan = await reconciler.PlanForAsync(preview.Generation, preview.Resolved, context.ObserveHost, cancellationToken).ConfigureAwait(false);
            return (Outcome(reconciler, plan), AllocationView.Between(current.Resolved, preview.Resolved));
        }

        var scratch = Path.Combine(Path.GetTempPath(), $"netvirt-dry-run-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var store = NetVirtStore.Open(Path.Combine(scratch, "netvirt.db"));
            var (current, preview) = store.Preview(model, context.Target, allowEmpty);
            var reconciler = new Reconciler(store, await context.BackendAsync(store, cancellationToken).ConfigureAwait(false));
            var plan = await reconciler.PlanForAsync(preview.Generation, preview.Resolved, context.ObserveHost, cancellationToken).ConfigureAwait(false);
            return (Outcome(reconciler, plan), AllocationView.Between(current.Resolved, preview.Resolved));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <inheritdoc />
    public Task<string> DeploymentIdAsync(CancellationToken cancellationToken) => Task.FromResult(Store.DeploymentId);

    /// <inheritdoc />
    public Task<StoredState> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(Store.Load());

    /// <inheritdoc />
    public Task<Api.Views.Topology.TopologyView> TopologyAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Api.Views.Topology.TopologyFormats.View(Store.Load(), context.Target, context.BackendOptions.Prefix));

    /// <inheritdoc />
    public Task<IReadOnlyList<Api.Endpoints.HostView>> HostsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Api.Endpoints.HostView>>(Api.Views.HostViews.List(Store, TimeProvider.System));

    /// <inheritdoc />
    public Task<IReadOnlyList<UsageView>> UsageAsync(string? network, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<UsageView>>([.. Store.Usage(network).Select(StateViews.Usage)]);

    /// <inheritdoc />
    public Task<IReadOnlyList<AddressView>> AddressesAsync(string network, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AddressView>>([.. Store.Addresses(network).Select(StateViews.Address)]);

    /// <inheritdoc />
    public Task<IReadOnlyList<FreeRangeView>> FreeRangesAsync(string network, string? family, CancellationToken cancellationToken)
    {
        var families = Store.Usage(network).Select(u => u.Family).Where(f => family is null || SpecNames.Format(f) == family).ToList();
        if (family is not null && families.Count == 0)
        {
            throw new InvalidInputException($"network '{network}' has no {family} subnet");
        }

        return Task.FromResult<IReadOnlyList<FreeRangeView>>([.. families.SelectMany(f => Store.FreeRanges(network, f).Select(r => StateViews.FreeRange(f, r)))]);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AddressView>> WhoAsync(IPAddress address, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AddressView>>([.. Store.Who(address).Select(StateViews.Address)]);

    /// <inheritdoc />
    public Task<WriteOutcome> ReserveAsync(string network, IpRange range, string? note, CancellationToken cancellationToken) =>
        Task.FromResult(context.WritableStore.Reserve(network, range, note, context.Target));

    /// <inheritdoc />
    public Task<WriteOutcome> ReleaseAsync(string network, IpRange range, CancellationToken cancellationToken) =>
        Task.FromResult(context.WritableStore.Release(network, range, context.Target));

    /// <inheritdoc />
    public async Task<PlanOutcome> PlanAsync(bool observeHost, bool destroy, CancellationToken cancellationToken)
    {
        var reconciler = await context.ReconcilerAsync(cancellationToken).ConfigureAwait(false);
        if (destroy)
        {
            var (plan, _) = await reconciler.DestroyAsync(new ApplyOptions { Trigger = "cli" }, _ => false, cancellationToken).ConfigureAwait(false);
            return Outcome(reconciler, plan);
        }

        return Outcome(reconciler, await reconciler.PlanAsync(observeHost, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<DriftView> DriftAsync(CancellationToken cancellationToken)
    {
        var (plan, drift) = await (await context.ReconcilerAsync(cancellationToken).ConfigureAwait(false)).DriftAsync(cancellationToken).ConfigureAwait(false);
        return DriftView.From(plan, drift);
    }

    /// <inheritdoc />
    public async Task<(PlanOutcome Plan, RunSummary? Run)> ApplyAsync(ApplyOptions options, bool destroy, Func<PlanOutcome, bool> approve, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approve);
        var reconciler = await context.ReconcilerAsync(cancellationToken).ConfigureAwait(false);
        bool Approve(PlanResult plan) => approve(Outcome(reconciler, plan));
        var (result, report) = destroy
            ? await reconciler.DestroyAsync(options, Approve, cancellationToken).ConfigureAwait(false)
            : await reconciler.ApplyAsync(options, Approve, cancellationToken, Interlocked.Exchange(ref _ahead, null)).ConfigureAwait(false);
        return (Outcome(reconciler, result), report is null ? null : RunSummary.From(report));
    }

    /// <inheritdoc />
    public async Task<IDisposable?> ObserveAheadAsync(CancellationToken cancellationToken)
    {
        if (!context.ObserveHost || !DatabaseExists)
        {
            return null;
        }

        try
        {
            var reconciler = await context.ReconcilerAsync(cancellationToken).ConfigureAwait(false);
            return _ahead = await reconciler.TryObserveAheadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            // It only saves time: the apply that follows meets the same cause and reports it.
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<IDisposable?> AnticipateAsync(NetworkModel model, CancellationToken cancellationToken)
    {
        if (!context.ObserveHost)
        {
            return null;
        }

        try
        {
            using var phase = Backends.Execution.Phases.Start("anticipate");
            // What is made ahead has no name and no mark, so the deployment id plays no part: for a database that does
            // not exist yet, a backend without one starts the work, and the database is created while it runs.
            var backend = DatabaseExists
                ? (await context.ReconcilerAsync(cancellationToken).ConfigureAwait(false)).Backend
                : await CliContext.BackendFactory(context.Target, context.BackendOptions, cancellationToken).ConfigureAwait(false);
            return backend.Anticipate(model);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // It only saves time: the steps do the same work and report what fails.
            return null;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunRecord>> RunsAsync(int limit, CancellationToken cancellationToken) => Task.FromResult(Store.Journal.Runs(limit));

    /// <inheritdoc />
    public Task<HistoryRunView> RunAsync(long id, CancellationToken cancellationToken)
    {
        var record = Store.Journal.Run(id);
        return Task.FromResult(new HistoryRunView(record with { PlanJson = "" }, System.Text.Json.Nodes.JsonNode.Parse(record.PlanJson)!.AsObject(), Store.Journal.Steps(id)));
    }

    private static PlanOutcome Outcome(Reconciler reconciler, PlanResult plan) => PlanOutcome.From(plan, reconciler.Backend);
}
