using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NetVirt.Api.Reconcile;
using NetVirt.Backends.Execution;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Api;

/// <summary>The reconcile loop under a fake clock: coalescing, debounce, one run at a time (keyed runs side by side), backoff with jitter, resync.</summary>
public sealed class ReconcileServiceTests : IAsyncLifetime
{
    private static readonly ReconcileOptions Defaults = new()
    {
        Debounce = TimeSpan.FromMilliseconds(250),
        BackoffBase = TimeSpan.FromSeconds(2),
        BackoffMax = TimeSpan.FromSeconds(30),
    };

    private readonly TempDatabase _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeHostBackend _backend = new();
    private readonly CancellationTokenSource _stop = new();
    private NetVirtStore _store = null!;
    private ReconcileService _service = null!;

    public Task InitializeAsync()
    {
        _store = _db.Open(_time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _stop.CancelAsync();
            await _service.StopAsync(CancellationToken.None);
            _service.Dispose();
        }

        _db.Dispose();
    }

    private async Task StartAsync(ReconcileOptions options, double jitter = 0.0)
    {
        _service = new ReconcileService(_store, _ => Task.FromResult<IHostBackend>(_backend), options, _time, NullLogger<ReconcileService>.Instance, () => jitter);
        await _service.StartAsync(_stop.Token);
    }

    private long StoreZones(params string[] zones) =>
        _store.Replace(new NetworkModel { Zones = [.. zones.Select(z => new ZoneSpec { Name = z })] }, HostTarget.Any).Generation;

    /// <summary>Waits (in real time, the loop runs on the thread pool) until <paramref name="condition"/> holds.</summary>
    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Moves the fake clock on in small steps until <paramref name="condition"/> holds: the loop may register its timer
    /// a moment after the test moved the clock, so one exact jump could leave it waiting forever. What the tests
    /// check about timing they read from the runs' own timestamps.
    /// </summary>
    private async Task AdvanceUntil(Func<bool> condition, string what, TimeSpan? step = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            _time.Advance(step ?? TimeSpan.FromMilliseconds(50));
            await Task.Delay(5);
        }
    }

    private ReconcileRun RunOf(long id) => _service.Run(id) ?? throw new InvalidOperationException($"no run {id}");

    [Fact]
    public async Task BurstOfChanges_CoalescesIntoOneApplyAfterTheDebounce()
    {
        await StartAsync(Defaults);
        ReconcileRun? run = null;
        foreach (var zones in new[] { new[] { "a" }, ["a", "b"], ["a", "b", "c"] })
        {
            run = _service.DesiredStateChanged(StoreZones(zones));
        }

        Assert.Equal(3, RunOf(run!.Id).Requests);
        Assert.Single(_service.Runs());
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await Task.Delay(50);
        Assert.Equal(ReconcileRunState.Queued, RunOf(run.Id).State); // still inside the debounce

        await AdvanceUntil(() => RunOf(run.Id).State == ReconcileRunState.Succeeded, "the coalesced apply");
        var done = RunOf(run.Id);
        Assert.True(done.StartedAt >= done.RequestedAt + Defaults.Debounce, $"started {done.StartedAt} before the debounce of a run requested at {done.RequestedAt}");
        Assert.Equal(["a", "b", "c"], _backend.Objects);
        Assert.Equal(1, _backend.Batches);
        Assert.Equal(_store.Generation(), _service.Status().LastAppliedGeneration);
        Assert.NotNull(RunOf(run.Id).Result!.JournalRun);
    }

    [Fact]
    public async Task FailingApply_BacksOffExponentiallyWithJitter_ThenRecovers()
    {
        await StartAsync(Defaults, jitter: 0.0); // factor 0.5: delays of 1 s, then 2 s
        _backend.FailNext(2);
        var first = _service.DesiredStateChanged(StoreZones("a"))!;
        await AdvanceUntil(() => RunOf(first.Id).State == ReconcileRunState.Failed, "the first attempt");
        await AdvanceUntil(() => _service.Status().Queued == 1, "the retry to be queued", TimeSpan.Zero);
        var status = _service.Status();
        Assert.Equal("backing-off", status.State);
        Assert.Equal(1, status.ConsecutiveFailures);
        Assert.Equal(RunOf(first.Id).FinishedAt + TimeSpan.FromSeconds(1), status.NextRetryAt);

        await AdvanceUntil(() => _service.Status().ConsecutiveFailures == 2, "the second attempt");
        var second = _service.Runs().First(r => r.State == ReconcileRunState.Failed && r.Id != first.Id);
        Assert.True(second.StartedAt >= RunOf(first.Id).FinishedAt + TimeSpan.FromSeconds(1), "the first retry started before its backoff ended");
        Assert.Equal(second.FinishedAt + TimeSpan.FromSeconds(2), _service.Status().NextRetryAt);

        await AdvanceUntil(() => _service.Status().ConsecutiveFailures == 0 && _service.Status().Running is null, "the recovery");
        var third = _service.Status().LastRun!;
        Assert.True(third.StartedAt >= second.FinishedAt + TimeSpan.FromSeconds(2), "the second retry started before its backoff ended");
        Assert.Equal(3, _backend.Batches);
        Assert.Equal("idle", _service.Status().State);
        Assert.Equal(["a"], _backend.Objects);
        Assert.Equal("retry", third.Trigger);
    }

    [Fact]
    public async Task Runs_NeverOverlap_AndWaitTheirTurn()
    {
        await StartAsync(Defaults with { Mode = ReconcileMode.Off });
        StoreZones("a");
        _backend.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var apply = _service.Enqueue(_service.ApplyRequest("api", automatic: false, keepGoing: false, expectedGeneration: null));
        await Until(() => RunOf(apply.Id).State == ReconcileRunState.Running, "the apply to start");
        var drift = _service.Enqueue(_service.DriftRequest("api"));
        var destroy = _service.Enqueue(ReconcileService.DestroyRequest("api"));
        var again = _service.Enqueue(_service.DriftRequest("api"));
        Assert.Equal(drift.Id, again.Id); // a second drift check joins the queued one
        await Task.Delay(50);
        Assert.Equal(ReconcileRunState.Queued, RunOf(drift.Id).State);
        Assert.Equal(ReconcileRunState.Queued, RunOf(destroy.Id).State);

        _backend.Gate.SetResult();
        await Until(() => RunOf(destroy.Id).State == ReconcileRunState.Succeeded, "every run");
        Assert.Equal(1, _backend.MaxConcurrent);
        Assert.Equal(0, RunOf(drift.Id).Result!.Drift);
        Assert.Empty(_backend.Objects);
        Assert.Null(_service.DesiredStateChanged(_store.Generation())); // off: changes do not apply by themselves
    }

    [Fact]
    public async Task KeyedRuns_RunSideBySide_ButNotWithTheSameKey_NorBesideARunWithoutOne()
    {
        await StartAsync(Defaults with { Mode = ReconcileMode.Off });
        var active = 0;
        var maxActive = 0;
        var activeWhenUnkeyedStarted = -1;
        // Made before the runs: a run is Running as soon as the service starts it, a moment before its work begins.
        var gates = new[] { "a1", "b", "a2", "u", "c" }.ToDictionary(n => n, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        ReconcileRequest Job(string name, string? key) => new("container", "test", async (_, ct) =>
        {
            var now = Interlocked.Increment(ref active);
            InterlockedMax(ref maxActive, now);
            if (key is null)
            {
                activeWhenUnkeyedStarted = now - 1;
            }

            await gates[name].Task.WaitAsync(ct);
            Interlocked.Decrement(ref active);
            return new ReconcileResult(true, "succeeded", null, name, null);
        })
        { CoalesceKey = null, ConcurrencyKey = key };
        void Release(string name) => gates[name].SetResult();

        var a1 = _service.Enqueue(Job("a1", "a"));
        var b = _service.Enqueue(Job("b", "b"));
        await Until(() => RunOf(a1.Id).State == ReconcileRunState.Running && RunOf(b.Id).State == ReconcileRunState.Running, "two keyed runs side by side");
        var a2 = _service.Enqueue(Job("a2", "a"));
        var unkeyed = _service.Enqueue(Job("u", null));
        var c = _service.Enqueue(Job("c", "c"));
        await Task.Delay(50);
        Assert.Equal(ReconcileRunState.Queued, RunOf(a2.Id).State); // same key as a running run
        Assert.Equal(ReconcileRunState.Queued, RunOf(unkeyed.Id).State); // keyed runs are running
        Assert.Equal(ReconcileRunState.Queued, RunOf(c.Id).State); // queued behind the unkeyed run: none overtakes it
        Assert.Equal(2, _service.Runs().Count(r => r.State == ReconcileRunState.Running));

        Release("a1");
        await Until(() => RunOf(a2.Id).State == ReconcileRunState.Running, "the second run of key a, once the first finished");
        Assert.Equal(ReconcileRunState.Queued, RunOf(unkeyed.Id).State);
        Release("b");
        Release("a2");
        await Until(() => RunOf(unkeyed.Id).State == ReconcileRunState.Running, "the unkeyed run, alone");
        await Task.Delay(50);
        Assert.Equal(ReconcileRunState.Queued, RunOf(c.Id).State);
        Release("u");
        await Until(() => RunOf(c.Id).State == ReconcileRunState.Running, "the keyed run behind it");
        Release("c");
        await Until(() => RunOf(c.Id).State == ReconcileRunState.Succeeded, "every run");
        Assert.Equal(0, activeWhenUnkeyedStarted);
        Assert.Equal(2, maxActive);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Fact]
    public async Task Resync_FindsDrift_AndAutoModeRepairsIt()
    {
        await StartAsync(Defaults with { Resync = TimeSpan.FromMinutes(1) });
        var first = _service.DesiredStateChanged(StoreZones("a", "b"))!;
        await AdvanceUntil(() => RunOf(first.Id).State == ReconcileRunState.Succeeded, "the first apply");
        _backend.Remove("b");

        await AdvanceUntil(() => _service.Runs().Any(r => r.Kind == "drift" && r.State == ReconcileRunState.Succeeded), "the resync drift check", TimeSpan.FromSeconds(5));
        var check = _service.Runs().First(r => r.Kind == "drift");
        Assert.Equal("resync", check.Trigger);
        Assert.Equal(1, check.Result!.Drift);

        await AdvanceUntil(() => _backend.Objects.Count == 2, "the repair");
        // The backend holds the object before the run is recorded as finished: wait for the record too (on a loaded
        // machine the assertion came first and saw the run still Running).
        await AdvanceUntil(() => _service.Runs().Any(r => r.Kind == "apply" && r.Trigger == "drift" && r.State == ReconcileRunState.Succeeded), "the repair run's end");
    }

    [Fact]
    public async Task BackendThatCannotBeCreated_FailsTheRun_NotTheLoop()
    {
        _service = new ReconcileService(_store, _ => throw new NetVirt.Model.Errors.BackendUnavailableException("no backend here"),
            Defaults with { Mode = ReconcileMode.Off }, _time, NullLogger<ReconcileService>.Instance);
        await _service.StartAsync(_stop.Token);
        var run = _service.Enqueue(ReconcileService.PlanRequest("api"));
        var done = await _service.WaitAsync(run.Id, CancellationToken.None);
        Assert.Equal(ReconcileRunState.Failed, done!.State);
        Assert.Equal("no backend here", done.Result!.Error);
        var next = await _service.WaitAsync(_service.Enqueue(ReconcileService.PlanRequest("api")).Id, CancellationToken.None);
        Assert.Equal(ReconcileRunState.Failed, next!.State);
    }

    [Theory]
    [InlineData(1, 0.0, 1.0)]
    [InlineData(1, 0.999, 2.0)]
    [InlineData(2, 0.0, 2.0)]
    [InlineData(3, 0.5, 6.0)]
    [InlineData(10, 0.0, 15.0)]
    [InlineData(1000, 0.0, 15.0)]
    public void Backoff_DoublesPerFailure_CappedWithJitterBetweenHalfAndWhole(int failures, double random, double expectedSeconds)
    {
        var delay = Backoff.Delay(failures, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), random);
        Assert.Equal(expectedSeconds, delay.TotalSeconds, precision: 2);
    }
}
