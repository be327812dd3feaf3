using NetVirt.Backends.Execution;
using NetVirt.Backends.Illumos;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation;
using NetVirt.Tests.Backends.Illumos;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Reconciliation;

/// <summary><c>apply -f</c>'s early start: the apply lock taken and the host read before the documents are stored.</summary>
public sealed class ObservationAheadTests : IDisposable
{
    private readonly TempDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public async Task ApplyWithAReadingAhead_HoldsTheLockFromTheStart_PlansAgainstTheReading_ReleasesItOnDispose()
    {
        var host = IllumosSampleModel.Host();

        var store = database.Open();
        var reconciler = new Reconciler(store, new IllumosBackend(host, new IllumosBackendOptions { Variant = IllumosVariant.SmartOs }));
        store.Replace(Models.Sample(), HostTarget.Illumos);

        using (var ahead = await reconciler.TryObserveAheadAsync(CancellationToken.None))
        {
            Assert.NotNull(ahead);
            // Another apply (another process, or this one again) finds the lock taken: no second reading ahead.
            Assert.Null(await reconciler.TryObserveAheadAsync(CancellationToken.None));

            var (plan, report) = await reconciler.ApplyAsync(ApplyOptions.Default, null, CancellationToken.None, ahead);
            Assert.False(plan.Plan.Steps.IsEmpty);
            Assert.True(report!.Succeeded, report.Error);

            // The reading is used once: a second apply under the same lock reads the host again and finds it done.
            var (again, none) = await reconciler.ApplyAsync(ApplyOptions.Default, null, CancellationToken.None, ahead);
            Assert.True(again.Plan.IsEmpty, string.Join("\n", again.Plan.Steps));
            Assert.Null(none);
        }

        using var next = await reconciler.TryObserveAheadAsync(CancellationToken.None);
        Assert.NotNull(next);
    }
}
