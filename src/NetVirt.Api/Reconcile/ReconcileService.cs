using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetVirt.Audit.Reports;
using NetVirt.Audit.Runs;
using NetVirt.Backends.Execution;
using NetVirt.Reconciliation;
using NetVirt.Reconciliation.Auditing;
using NetVirt.Store;

namespace NetVirt.Api.Reconcile;

/// <summary>
/// Theory of operation. Endpoints never touch the host: they write the desired state and ask this service for a
/// run. Runs wait in one queue and start in order, one at a time, so two applies never race (across processes
/// <see cref="ApplyLock"/> keeps that promise too). The exception is runs with a
/// <see cref="ReconcileRequest.ConcurrencyKey"/>: each touches one container attachment only, so up to
/// <see cref="MaxConcurrentRuns"/> of them run side by side (a runtime starting containers in parallel is not held to
/// one at a time), but never beside a run without a key, and a run without a key waits for them to finish while the
/// keyed runs queued behind it wait for it. A request that matches a run still queued joins it instead of
/// adding another, and automatic applies wait a short debounce first, so a burst of writes becomes one apply of the
/// newest generation. When an automatic run fails, the next automatic attempt waits an exponential backoff with
/// jitter (<see cref="Backoff"/>); an explicit request from an operator runs at once. With a resync interval the
/// service checks the host for drift by itself and, in <see cref="ReconcileMode.Auto"/>, repairs it. Time comes from
/// a <see cref="TimeProvider"/>, so tests drive every delay.
/// </summary>
public sealed partial class ReconcileService : BackgroundService
{
    private readonly NetVirtStore _store;
    private readonly Func<CancellationToken, Task<IHostBackend>> _backendFactory;
    private readonly TimeProvider _time;
    private readonly ILogger<ReconcileService> _logger;
    private readonly Func<double> _random;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly object _gate = new();
    private readonly List<Entry> _queue = [];
    private readonly LinkedList<ReconcileRun> _finished = new();
    private readonly List<Entry> _running = [];
    private readonly SemaphoreSlim _reconcilerGate = new(1, 1);
    private long _nextId;
    private int _failures;
    private DateTimeOffset? _retryAt;
    private long? _lastApplied;
    private DateTimeOffset? _nextResyncAt;
    private Reconciler? _reconciler;

    /// <summary>Creates the service.</summary>
    /// <param name="store">The store.</param>
    /// <param name="backendFactory">Creates the host backend on first use (a failure fails that run and is tried again next run).</param>
    /// <param name="options">Scheduling options.</param>
    /// <param name="time">Clock and timers.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="random">Source of values in [0, 1) for jitter; default <see cref="Random.Shared"/>.</param>
    public ReconcileService(
        NetVirtStore store, Func<CancellationToken, Task<IHostBackend>> backendFactory, ReconcileOptions options, TimeProvider time,
        ILogger<ReconcileService> logger, Func<double>? random = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _backendFactory = backendFactory ?? throw new ArgumentNullException(nameof(backendFactory));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>How many keyed runs (container attachments) may run at once: beyond this, they queue.</summary>
    public const int MaxConcurrentRuns = 16;

    /// <summary>The scheduling options.</summary>
    public ReconcileOptions Options { get; }

    /// <summary>
    /// Raised with a snapshot whenever a run is queued, starts or finishes (for the live view and metrics); raised
    /// outside the service's lock, on the thread that changed the run, so handlers must be quick and must not throw.
    /// </summary>
    public event Action<ReconcileRun>? RunChanged;

    /// <summary>
    /// Queues a run, or joins a queued one with the same coalescing key. Returns the run as it stands now.
    /// </summary>
    public ReconcileRun Enqueue(ReconcileRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ReconcileRun snapshot;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var existing = request.CoalesceKey is { } key ? _queue.FirstOrDefault(e => e.Request.CoalesceKey == key) : null;
            if (existing is not null)
            {
                existing.Requests++;
                // An operator's request joining an automatic run makes it start now and keeps the operator's trigger.
                if (!request.Automatic && existing.Request.Automatic)
                {
                    existing.Request = request;
                    existing.NotBefore = now;
                }

                snapshot = existing.Snapshot();
            }
            else
            {
                var entry = new Entry(++_nextId, request, now)
                {
                    NotBefore = request.Automatic ? Max(now + Options.Debounce, _retryAt ?? now) : now,
                };
                _queue.Add(entry);
                snapshot = entry.Snapshot();
            }
        }

        _wake.Writer.TryWrite(true);
        RunChanged?.Invoke(snapshot);
        return snapshot;
    }

    /// <summary>
    /// Tells the service that the desired state changed to <paramref name="generation"/>. In
    /// <see cref="ReconcileMode.Auto"/> this queues (or joins) an automatic apply; otherwise it does nothing.
    /// </summary>
    public ReconcileRun? DesiredStateChanged(long generation)
    {
        if (Options.Mode != ReconcileMode.Auto || !_store.Infrastructure().Hosts.IsEmpty)
        {
            // With hosts, the hosts' agents apply their slices; this server's host is none of them.
            return null;
        }

        return Enqueue(ApplyRequest("desired-state", automatic: true, keepGoing: false, expectedGeneration: null));
    }

    /// <summary>An apply of the stored desired state; with <paramref name="expectedGeneration"/>, refused when the state moved on.</summary>
    public ReconcileRequest ApplyRequest(string trigger, bool automatic, bool keepGoing, long? expectedGeneration) =>
        new("apply", trigger, (context, ct) => ApplyAsync(context, trigger, keepGoing, expectedGeneration, ct))
        {
            // Only plain applies coalesce: one that pins a generation or keeps going is its own run.
            CoalesceKey = expectedGeneration is null && !keepGoing ? "apply" : null,
            Automatic = automatic,
            RetryOnFailure = Options.Mode == ReconcileMode.Auto,
        };

    /// <summary>Removal of every host object NetVirt owns.</summary>
    public static ReconcileRequest DestroyRequest(string trigger) =>
        new("destroy", trigger, async (context, ct) =>
        {
            var (plan, report) = await context.Reconciler.DestroyAsync(new ApplyOptions { Trigger = trigger }, approve: null, ct).ConfigureAwait(false);
            return ResultOf(plan, report);
        });

    /// <summary>A drift check; in <see cref="ReconcileMode.Auto"/> drift found queues a repairing apply.</summary>
    public ReconcileRequest DriftRequest(string trigger) =>
        new("drift", trigger, async (context, ct) =>
        {
            var (plan, drift) = await context.Reconciler.DriftAsync(ct).ConfigureAwait(false);
            if (drift.Count > 0 && Options.Mode == ReconcileMode.Auto)
            {
                Enqueue(ApplyRequest("drift", automatic: true, keepGoing: false, expectedGeneration: null));
            }

            var problems = plan.Plan.Problems.Select(p => p.ToString()).ToList();
            return new ReconcileResult(problems.Count == 0, drift.Count == 0 && problems.Count == 0 ? "in-sync" : "drift", plan.Generation,
                $"{drift.Count} difference{(drift.Count == 1 ? "" : "s")}", problems.Count == 0 ? null : string.Join("; ", problems))
            {
                Drift = drift.Count,
                Plan = plan,
                DriftItems = drift,
            };
        });

    /// <summary>
    /// A plan against the observed host, read-only (concurrent callers share one run); with <paramref name="destroy"/>,
    /// the plan that removes every object NetVirt owns; with <paramref name="preview"/>, the plan for a desired state
    /// that was never stored (a dry run), which is its own run.
    /// </summary>
    public static ReconcileRequest PlanRequest(string trigger, bool destroy = false, Store.DesiredState.StoredState? preview = null) =>
        new("plan", trigger, async (context, ct) =>
        {
            var plan = destroy
                ? (await context.Reconciler.DestroyAsync(new ApplyOptions { Trigger = trigger }, approve: _ => false, ct).ConfigureAwait(false)).Plan
                : preview is not null
                ? await context.Reconciler.PlanForAsync(preview.Generation, preview.Resolved, observeHost: true, ct).ConfigureAwait(false)
                : await context.Reconciler.PlanAsync(observeHost: true, ct).ConfigureAwait(false);
            return new ReconcileResult(true, plan.Plan.IsEmpty ? "no-changes" : "changes", plan.Generation, plan.Plan.Summary.ToString(), null)
            {
                Plan = plan,
                PlanJson = Planning.Plans.PlanJson.ToJson(plan.Plan, step => [.. context.Reconciler.Backend.Describe(step).Select(c => c.ToString())], indented: false),
            };
        })
        {
            CoalesceKey = preview is not null ? null : destroy ? "plan-destroy" : "plan",
        };

    /// <summary>
    /// An active isolation audit of the host against the stored desired state. It holds the database's apply lock,
    /// so no apply (of this server or another process) changes the host while frames are in flight, and writes its
    /// reports (JSON, JUnit, HTML, evidence pcapng files) to <c>netvirt-audit-TIME-runID</c> under <paramref name="reportRoot"/>.
    /// </summary>
    public static ReconcileRequest AuditRequest(string trigger, Auditor auditor, string reportRoot) =>
        new("audit", trigger, async (context, ct) =>
        {
            ArgumentNullException.ThrowIfNull(auditor);
            using var applyLock = await ApplyLock.AcquireAsync(context.Store.Database, null, Reconciler.LockTimeout, ct).ConfigureAwait(false);
            var generation = context.Store.Generation();
            var audit = await auditor.RunAsync(AuditOptions.Default, progress: null, ct).ConfigureAwait(false);
            // Timestamped like the CLI's folders, plus the run id: run ids restart with the server, times do not.
            var reports = ReportDirectory.Write(audit, $"{ReportDirectory.DefaultPath(audit.Run.Started, reportRoot)}-run{context.RunId}");
            var evidence = Path.Combine(reports.Path, "evidence");
            return new ReconcileResult(true, audit.IsClean ? "clean" : "findings", generation,
                $"{audit.Topology.Endpoints.Count} VNICs, {audit.Topology.PairCount} pairs, {audit.Findings.Count} finding{(audit.Findings.Count == 1 ? "" : "s")}", null)
            {
                ReportJson = await File.ReadAllTextAsync(reports.Json, ct).ConfigureAwait(false),
                ReportFiles = [reports.Json, reports.JUnit, reports.Html, .. (Directory.Exists(evidence) ? Directory.GetFiles(evidence).Order(StringComparer.Ordinal) : Enumerable.Empty<string>())],
            };
        });

    /// <summary>
    /// Waits until run <paramref name="id"/> has finished and returns it; null when the service does not know the id.
    /// </summary>
    public async Task<ReconcileRun?> WaitAsync(long id, CancellationToken cancellationToken)
    {
        Task<ReconcileRun> done;
        lock (_gate)
        {
            var entry = _running.FirstOrDefault(e => e.Id == id) ?? _queue.FirstOrDefault(e => e.Id == id);
            if (entry is null)
            {
                return _finished.FirstOrDefault(r => r.Id == id);
            }

            done = entry.Done.Task;
        }

        return await done.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A run by id: queued, running or among the recent finished ones.</summary>
    public ReconcileRun? Run(long id)
    {
        lock (_gate)
        {
            if (_running.FirstOrDefault(e => e.Id == id) is { } running)
            {
                return running.Snapshot();
            }

            return _queue.FirstOrDefault(e => e.Id == id)?.Snapshot() ?? _finished.FirstOrDefault(r => r.Id == id);
        }
    }

    /// <summary>Runs newest first: queued, running, then finished.</summary>
    public IReadOnlyList<ReconcileRun> Runs(int limit = 50)
    {
        lock (_gate)
        {
            var all = _queue.Select(e => e.Snapshot()).Reverse().Concat(_running.Select(e => e.Snapshot()).Reverse());

            return [.. all.Concat(_finished).Take(limit)];
        }
    }

    /// <summary>The service's state.</summary>
    public ReconcileStatus Status()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var state = _running.Count > 0 ? "running" : _retryAt > now ? "backing-off" : "idle";
            return new ReconcileStatus(Options.Mode, state, _running.FirstOrDefault()?.Snapshot(), _queue.Count, _failures, _retryAt > now ? _retryAt : null,
                _finished.First?.Value, _lastApplied, Options.Resync, _nextResyncAt);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (_gate)
        {
            _nextResyncAt = Options.Resync is { } every ? _time.GetUtcNow() + every : null;
        }

        var keyed = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var starting = new List<Entry>();
            DateTimeOffset? wakeAt;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                if (_nextResyncAt is { } resyncAt && resyncAt <= now)
                {
                    _nextResyncAt = now + Options.Resync!.Value;
                    // Enqueue takes the lock again; Monitor is re-entrant, and the wake-up it writes is harmless.
                    Enqueue(DriftRequest("resync"));
                }

                // In order: the first due run that cannot start yet stops the scan, so none overtakes it.
                foreach (var entry in _queue.Where(e => e.NotBefore <= now).OrderBy(e => e.Id).ToList())
                {
                    if (!CanStart(entry.Request.ConcurrencyKey))
                    {
                        break;
                    }

                    _queue.Remove(entry);
                    _running.Add(entry);
                    entry.StartedAt = now;
                    starting.Add(entry);
                    if (entry.Request.ConcurrencyKey is null)
                    {
                        break;
                    }
                }

                // Nothing to start: wait for a wake-up (a request, a run that finished) or the next debounce, backoff or resync.
                wakeAt = _queue.Where(e => e.NotBefore > now).Select(e => (DateTimeOffset?)e.NotBefore).Append(_nextResyncAt).Min();
            }

            if (starting.Count == 0)
            {
                await WaitAsync(wakeAt, stoppingToken).ConfigureAwait(false);
                continue;
            }

            if (starting is [{ Request.ConcurrencyKey: null } alone])
            {
                await RunAsync(alone, stoppingToken).ConfigureAwait(false);
                continue;
            }

            keyed.RemoveAll(t => t.IsCompleted);
            keyed.AddRange(starting.Select(entry => Task.Run(() => RunAsync(entry, stoppingToken), CancellationToken.None)));
        }

        await Task.WhenAll(keyed).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var entry in _queue)
            {
                entry.FinishedAt = _time.GetUtcNow();
                Finish(entry, ReconcileRunState.Cancelled, new ReconcileResult(false, "cancelled", null, null, "the server stopped before this run started"));
            }

            _queue.Clear();
        }
    }

    /// <summary>Whether a run with <paramref name="key"/> may start beside the runs now running (caller holds the lock).</summary>
    private bool CanStart(string? key) => key is null
        ? _running.Count == 0
        : _running.Count < MaxConcurrentRuns && _running.All(r => r.Request.ConcurrencyKey is { } other && other != key);

    /// <summary>The reconciler, made with the backend on first use; keyed runs may ask at once.</summary>
    private async Task<Reconciler> ReconcilerAsync(CancellationToken cancellationToken)
    {
        await _reconcilerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _reconciler ??= new Reconciler(_store, await _backendFactory(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _reconcilerGate.Release();
        }
    }

    /// <summary>Waits for a wake-up (a new request) or until <paramref name="wakeAt"/> (a debounce, backoff or resync is due).</summary>
    private async Task WaitAsync(DateTimeOffset? wakeAt, CancellationToken stoppingToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = _wake.Reader.WaitToReadAsync(cts.Token).AsTask();
        // The delay is taken from the clock as late as possible, so time that passed since the loop looked is not waited twice.
        var tasks = wakeAt is { } at ? new[] { woken, Task.Delay(Max(at - _time.GetUtcNow(), TimeSpan.Zero), _time, cts.Token) } : [woken];
        try
        {
            await Task.WhenAny(tasks).ConfigureAwait(false);
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
        }
    }

    private async Task RunAsync(Entry entry, CancellationToken stoppingToken)
    {
        // Every event of the run carries its id, kind and the desired-state generation it started from.
        long? generation = null;
        try
        {
            generation = _store.Generation();
        }
        catch (Model.Errors.NetVirtException)
        {
            // The run itself will meet and report the same store error.
        }

        using var scope = _logger.BeginScope(new Dictionary<string, object?> { ["RunId"] = entry.Id, ["RunKind"] = entry.Request.Kind, ["Generation"] = generation });
        Log.RunStarted(_logger, entry.Id, entry.Request.Kind, entry.Request.Trigger);
        RunChanged?.Invoke(entry.Snapshot());
        ReconcileResult result;
        var state = ReconcileRunState.Failed;
        try
        {
            var reconciler = await ReconcilerAsync(stoppingToken).ConfigureAwait(false);
            result = await entry.Request.Work(new ReconcileContext(_store, reconciler, this, entry.Id), stoppingToken).ConfigureAwait(false);
            state = result.Succeeded ? ReconcileRunState.Succeeded : ReconcileRunState.Failed;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            result = new ReconcileResult(false, "cancelled", null, null, "the server stopped during this run");
            state = ReconcileRunState.Cancelled;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Expected failures (host, store, backend) and bugs alike end this run, never the loop.
            result = new ReconcileResult(false, "error", null, null, ex.Message);
        }

        lock (_gate)
        {
            entry.FinishedAt = _time.GetUtcNow();
            Finish(entry, state, result);
            if (entry.Request.Kind == "apply" && result.Succeeded)
            {
                _lastApplied = result.Generation;
            }

            if (state == ReconcileRunState.Failed && entry.Request.RetryOnFailure)
            {
                _failures++;
                var delay = Backoff.Delay(_failures, Options.BackoffBase, Options.BackoffMax, _random());
                _retryAt = entry.FinishedAt + delay;
                Log.RunFailedBackingOff(_logger, entry.Id, entry.Request.Kind, _failures, delay.TotalSeconds);
            }
            else if (state == ReconcileRunState.Succeeded && entry.Request.Kind == "apply")
            {
                _failures = 0;
                _retryAt = null;
            }
        }

        Log.RunFinished(_logger, entry.Id, entry.Request.Kind, result.Outcome, result.Generation ?? -1);
        RunChanged?.Invoke(entry.Snapshot());
        // A run that waits for this one to finish (one without a key, or one with the same key) may start now.
        _wake.Writer.TryWrite(true);
        if (state == ReconcileRunState.Failed && entry.Request.RetryOnFailure && !stoppingToken.IsCancellationRequested)
        {
            // The desired state is still not on the host: try again after the backoff (Enqueue applies it to automatic runs).
            Enqueue(ApplyRequest("retry", automatic: true, keepGoing: false, expectedGeneration: null));
        }
    }

    private void Finish(Entry entry, ReconcileRunState state, ReconcileResult result)
    {
        entry.State = state;
        entry.Result = result;
        _running.Remove(entry);
        var snapshot = entry.Snapshot();
        _finished.AddFirst(snapshot);
        entry.Done.TrySetResult(snapshot);
        while (_finished.Count > Options.KeepRuns)
        {
            _finished.RemoveLast();
        }
    }

    private static async Task<ReconcileResult> ApplyAsync(ReconcileContext context, string trigger, bool keepGoing, long? expectedGeneration, CancellationToken ct)
    {
        string? refused = null;
        var (plan, report) = await context.Reconciler.ApplyAsync(new ApplyOptions { Trigger = trigger, KeepGoing = keepGoing }, p =>
        {
            if (expectedGeneration is { } expected && p.Generation != expected)
            {
                refused = $"the desired state is at generation {p.Generation}, not {expected} as approved; plan again";
                return false;
            }

            return true;
        }, ct).ConfigureAwait(false);
        return refused is not null ? new ReconcileResult(false, "refused", plan.Generation, plan.Plan.Summary.ToString(), refused) : ResultOf(plan, report);
    }

    private static ReconcileResult ResultOf(PlanResult plan, ApplyReport? report)
    {
        if (!plan.Plan.Problems.IsEmpty)
        {
            return new ReconcileResult(false, "blocked", plan.Generation, plan.Plan.Summary.ToString(), string.Join("; ", plan.Plan.Problems.Select(p => p.ToString())));
        }

        if (report is null)
        {
            return new ReconcileResult(true, "no-changes", plan.Generation, plan.Plan.Summary.ToString(), null);
        }

        return new ReconcileResult(report.Succeeded, Store.Journal.JournalStore.OutcomeName(report.Outcome), plan.Generation, plan.Plan.Summary.ToString(), report.Error)
        {
            JournalRun = report.RunId,
        };
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Entry(long id, ReconcileRequest request, DateTimeOffset requestedAt)
    {
        public long Id { get; } = id;

        public ReconcileRequest Request { get; set; } = request;

        public int Requests { get; set; } = 1;

        public DateTimeOffset RequestedAt { get; } = requestedAt;

        public DateTimeOffset NotBefore { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? FinishedAt { get; set; }

        public ReconcileRunState State { get; set; } = ReconcileRunState.Queued;

        public ReconcileResult? Result { get; set; }

        public TaskCompletionSource<ReconcileRun> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ReconcileRun Snapshot() => new()
        {
            Id = Id,
            Kind = Request.Kind,
            Trigger = Request.Trigger,
            State = StartedAt is not null && FinishedAt is null ? ReconcileRunState.Running : State,
            Requests = Requests,
            RequestedAt = RequestedAt,
            NotBefore = StartedAt is null ? NotBefore : null,
            StartedAt = StartedAt,
            FinishedAt = FinishedAt,
            Result = Result,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = ApiEventIds.RunStarted, Level = LogLevel.Information, Message = "Reconcile run {RunId} ({RunKind}, trigger {Trigger}) started")]
        public static partial void RunStarted(ILogger logger, long runId, string runKind, string trigger);

        [LoggerMessage(EventId = ApiEventIds.RunFinished, Level = LogLevel.Information, Message = "Reconcile run {RunId} ({RunKind}) finished: {Outcome} (generation {Generation})")]
        public static partial void RunFinished(ILogger logger, long runId, string runKind, string outcome, long generation);

        [LoggerMessage(EventId = ApiEventIds.RunBackingOff, Level = LogLevel.Warning, Message = "Reconcile run {RunId} ({RunKind}) failed; {Failures} failure(s) in a row, next automatic attempt in {DelaySeconds:0.0} s")]
        public static partial void RunFailedBackingOff(ILogger logger, long runId, string runKind, int failures, double delaySeconds);
    }
}
