using NetVirt.Backends.Execution;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Planning;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;
using NetVirt.Store;
using NetVirt.Store.DesiredState;

namespace NetVirt.Reconciliation;

/// <summary>
/// Theory of operation. The store holds the desired state (what the user declared, resolved by IPAM); the host holds
/// the observed state. Every reconcile is level-triggered: load the desired state, let the backend render it into
/// host objects, observe the host, and let the pure planner compute the steps between the two. Applying runs those
/// steps in dependency order through the backend, journaling each one; a failure undoes what this run did, and the
/// next run starts again from what it observes, so an interrupted apply converges on the next one (and is marked
/// interrupted in the journal as soon as the next apply or destroy holds the apply lock). Drift is the same
/// diff without applying it; destroy is the plan towards an empty desired state. Only objects the backend reports as
/// NetVirt's own are ever changed or deleted.
/// </summary>
public sealed class Reconciler(NetVirtStore store, IHostBackend backend)
{
    /// <summary>How long an apply waits for another apply on the same database to finish.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The backend this reconciler drives.</summary>
    public IHostBackend Backend => backend;

    /// <summary>
    /// Computes the plan for the stored desired state. With <paramref name="observeHost"/> false the host is taken
    /// as empty (a plan from scratch, e.g. an illumos script written on another machine).
    /// </summary>
    public Task<PlanResult> PlanAsync(bool observeHost, CancellationToken cancellationToken) => PlanAsync(observeHost, null, null, cancellationToken);

    private async Task<PlanResult> PlanAsync(bool observeHost, Task<HostState>? observing, Task<RenderedAhead?>? renderedAhead, CancellationToken cancellationToken)
    {
        long generation;
        NetworkModel resolved;
        RenderResult? rendered = null;
        // A render made ahead stands for the stored state when nothing was stored since (every change bumps the generation).
        if (renderedAhead is not null && await BestEffort.OrNullAsync(renderedAhead).ConfigureAwait(false) is { } early && early.Generation == store.Generation())
        {
            (generation, resolved, rendered) = (early.Generation, early.Resolved, early.Rendered);
        }
        else
        {
            using (Phases.Start("load"))
            {
                var state = store.Load();
                (generation, resolved) = (state.Generation, state.Resolved);
            }
        }

        if (!resolved.Hosts.IsEmpty)
        {
            throw new Model.Errors.InvalidInputException(
                $"the desired state has hosts ({string.Join(", ", resolved.Hosts.Select(h => h.Name))}): each host's agent ('netvirt agent --server URL --host NAME') plans and applies its own slice; 'netvirt show hosts' shows how far each is");
        }

        return await PlanForAsync(generation, resolved, observeHost, cancellationToken, observing, rendered).ConfigureAwait(false);
    }

    /// <summary>Differences between the desired state and the host, field by field.</summary>
    public async Task<(PlanResult Plan, IReadOnlyList<DriftItem> Drift)> DriftAsync(CancellationToken cancellationToken)
    {
        var result = await PlanAsync(observeHost: true, cancellationToken).ConfigureAwait(false);
        return (result, Planner.Diff(result.Desired, result.Observed));
    }

    /// <summary>
    /// Applies the stored desired state: plans against the host and runs the plan. With
    /// <paramref name="approve"/>, the caller sees the plan first and may refuse it (the run then does nothing).
    /// </summary>
    /// <remarks>
    /// With <paramref name="ahead"/> (from <see cref="TryObserveAheadAsync"/>) the run uses its lock and its reading of
    /// the host instead of taking and reading them now; the caller still disposes it.
    /// </remarks>
    public async Task<(PlanResult Plan, ApplyReport? Report)> ApplyAsync(
        ApplyOptions options, Func<PlanResult, bool>? approve, CancellationToken cancellationToken, ObservationAhead? ahead = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var applyLock = ahead is null ? await ApplyLock.AcquireAsync(store.Database, null, LockTimeout, cancellationToken).ConfigureAwait(false) : null;
        if (ahead is null)
        {
            store.Journal.MarkInterrupted();
        }

        var (reading, rendering) = ahead?.Take() ?? default;
        var plan = await PlanAsync(observeHost: true, reading, rendering, cancellationToken).ConfigureAwait(false);
        return await RunAsync(plan, options, approve, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the apply lock now, if no one holds it, and starts reading the host on a pool thread, for an
    /// <see cref="ApplyAsync"/> that follows once the caller has stored its documents (<c>apply -f</c>): parsing,
    /// validating and storing them then run beside the host being read, not before it. Under the lock nothing else of
    /// NetVirt changes the host, and storing changes only the database, so the reading is still the host's when the plan
    /// uses it. Null when another apply holds the lock (the caller then applies the usual way, waiting for it).
    /// </summary>
    public async Task<ObservationAhead?> TryObserveAheadAsync(CancellationToken cancellationToken)
    {
        ApplyLock held;
        try
        {
            held = await ApplyLock.AcquireAsync(store.Database, null, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException)
        {
            return null;
        }

        try
        {
            store.Journal.MarkInterrupted();
        }
        catch
        {
            held.Dispose();
            throw;
        }

        // The stored state is rendered ahead too: when storing the documents changes nothing (a no-op apply), the plan
        // uses it and has only the host's reading to wait for.
        return new ObservationAhead(held, Task.Run(() => ObserveAsync(cancellationToken), cancellationToken), Task.Run(RenderStored, cancellationToken));
    }

    private RenderedAhead? RenderStored()
    {
        StoredState state;
        using (Phases.Start("load ahead"))
        {
            state = store.Load();
        }

        if (!state.Resolved.Hosts.IsEmpty)
        {
            return null;
        }

        using var phase = Phases.Start("render ahead");
        return new RenderedAhead(state.Generation, state.Resolved, backend.Render(state.Resolved));
    }

    /// <summary>
    /// Applies <paramref name="model"/> (a host's slice, which its agent reads from the server: never the stored desired
    /// state of this reconciler's store, which then only keeps the journal and the apply lock) at
    /// <paramref name="generation"/>: plans against the host and runs the plan unless it has problems or nothing to do.
    /// </summary>
    public async Task<(PlanResult Plan, ApplyReport? Report)> ApplyModelAsync(long generation, NetworkModel model, ApplyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        using var applyLock = await ApplyLock.AcquireAsync(store.Database, null, LockTimeout, cancellationToken).ConfigureAwait(false);
        store.Journal.MarkInterrupted();
        var plan = await PlanForAsync(generation, model, observeHost: true, cancellationToken).ConfigureAwait(false);
        return await RunAsync(plan, options, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes every object NetVirt owns on the host (the plan towards an empty desired state).</summary>
    public async Task<(PlanResult Plan, ApplyReport? Report)> DestroyAsync(
        ApplyOptions options, Func<PlanResult, bool>? approve, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var applyLock = await ApplyLock.AcquireAsync(store.Database, null, LockTimeout, cancellationToken).ConfigureAwait(false);
        store.Journal.MarkInterrupted();
        var generation = store.Generation();
        var plan = await PlanForAsync(generation, NetworkModel.Empty, observeHost: true, cancellationToken).ConfigureAwait(false);
        return await RunAsync(plan, options with { Trigger = $"{options.Trigger} destroy" }, approve, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Undoes a finished apply run on the host (creates deleted, changes changed back, newest first), journaled as its
    /// own run. Used by <c>apply --verify</c> when the audit rejects what a run built.
    /// </summary>
    public async Task<ApplyReport> UndoAsync(ApplyReport run, string trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var applyLock = await ApplyLock.AcquireAsync(store.Database, null, LockTimeout, cancellationToken).ConfigureAwait(false);
        store.Journal.MarkInterrupted();
        return await new PlanExecutor(backend, store.Journal).UndoAsync(run, store.Generation(), trigger).ConfigureAwait(false);
    }

    /// <summary>
    /// The plan for <paramref name="model"/> (a resolved desired state, stored or not: <c>apply --dry-run</c> plans a
    /// preview that is never stored) at <paramref name="generation"/>; with <paramref name="observing"/>, against that
    /// reading of the host (begun under the apply lock the caller holds) instead of a new one; with
    /// <paramref name="rendered"/>, that render of <paramref name="model"/> instead of rendering it again.
    /// </summary>
    public async Task<PlanResult> PlanForAsync(
        long generation, NetworkModel model, bool observeHost, CancellationToken cancellationToken, Task<HostState>? observing = null, RenderResult? rendered = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        // Rendering is pure and observing only reads the host, so they run side by side: a plan costs the longer of
        // the two, not their sum (in a fresh process both are mostly first-call costs, on two cores).
        observing ??= observeHost ? Task.Run(() => ObserveAsync(cancellationToken), cancellationToken) : null;
        try
        {
            if (rendered is null)
            {
                using (Phases.Start("render"))
                {
                    rendered = backend.Render(model);
                }
            }
        }
        catch when (observing is not null)
        {
            // Never leave the host being read behind an exception: wait for it, and let the render's error through.
            await BestEffort.OrNullAsync<HostState>(observing!).ConfigureAwait(false);
            throw;
        }

        // Without observing, the plan is for a host that has the prerequisites (zones, physical links) and none of
        // NetVirt's objects yet: an operator script written on another machine.
        var observed = observing is not null
            ? await observing.ConfigureAwait(false)
            : new HostState(rendered.Desired.Resources.Where(r => !r.Owned));

        Plan plan;
        using (Phases.Start("plan"))
        {
            plan = Planner.Plan(rendered.Desired, observed, rendered.Problems);
            plan = plan with { Problems = [.. plan.Problems, .. backend.Review(plan)] };
        }

        return new PlanResult(generation, backend.Target, plan, rendered.Desired, observed, observeHost);
    }

    private async Task<HostState> ObserveAsync(CancellationToken cancellationToken)
    {
        using var phase = Phases.Start("observe");
        return await backend.ObserveAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(PlanResult, ApplyReport?)> RunAsync(PlanResult plan, ApplyOptions options, Func<PlanResult, bool>? approve, CancellationToken cancellationToken)
    {
        if (!plan.Plan.Problems.IsEmpty || plan.Plan.Steps.IsEmpty || (approve is not null && !approve(plan)))
        {
            return (plan, null);
        }

        var executor = new PlanExecutor(backend, store.Journal);
        var report = await executor.ApplyAsync(plan.Plan, plan.Generation, options, cancellationToken).ConfigureAwait(false);
        return (plan, report);
    }
}
