using NetVirt.Audit.Probes;
using NetVirt.Audit.Topology;
using NetVirt.Audit.Verdicts;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Illumos;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation;
using NetVirt.Reconciliation.Auditing;
using NetVirt.Tests.Audit;
using NetVirt.Tests.Backends.Illumos;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Reconciliation;

/// <summary>apply --verify against the simulated illumos host, with the audit's verdict scripted.</summary>
public sealed class VerifiedApplyTests : IDisposable
{
    private readonly TempDatabase database = new();

    public void Dispose() => database.Dispose();

    private static readonly VerifyBaseline Clean = new(Verdict(), null);

    private static AuditResult Verdict(params FindingKind[] kinds) => Verdict(3, kinds);

    private static AuditResult Verdict(int receiver, params FindingKind[] kinds)
    {
        var topology = AuditModels.Topology();
        var n = topology.Endpoints.Count;
        var findings = kinds.Select(k => new AuditFinding { Kind = k, Source = 0, Receiver = receiver, Probe = ProbeKind.Icmpv4Echo, Expected = "isolated: VLAN 100 vs 200 on etherstub stub0", Observed = "arrived once" }).ToList();
        return new AuditResult(topology, AuditClasses.For(topology, AuditMode.Full), new CellState[n * n * ProbeKinds.Reachability.Count], new PairStatus[n * n], findings, new AuditRunInfo { Started = DateTimeOffset.UnixEpoch });
    }

    private static AuditResult Merge(AuditResult a, AuditResult b) =>
        new(a.Topology, a.Classes, new CellState[a.Topology.Endpoints.Count * a.Topology.Endpoints.Count * ProbeKinds.Reachability.Count],
            new PairStatus[a.Topology.Endpoints.Count * a.Topology.Endpoints.Count], [.. a.Findings, .. b.Findings], a.Run);

    private async Task<(SimulatedIllumosHost Host, Reconciler Reconciler, NetVirt.Store.NetVirtStore Store)> AppliedSampleAsync()
    {
        var host = IllumosSampleModel.Host();

        var store = database.Open();
        store.Replace(Models.Sample(), HostTarget.Illumos);
        var reconciler = new Reconciler(store, new IllumosBackend(host, new IllumosBackendOptions { Variant = IllumosVariant.SmartOs }));
        var (_, report) = await reconciler.ApplyAsync(ApplyOptions.Default, null, CancellationToken.None);
        Assert.True(report!.Succeeded, report.Error);
        return (host, reconciler, store);
    }

    // A change with an in-place update (acme-web1's bandwidth) and a delete (initech-batch1 goes away).
    private static NetworkModel Changed(NetworkModel sample) =>
        IllumosSampleModel.WithVnic(sample, "acme-web1", "net0", v => v with { MaxBandwidth = 300_000_000 }) with
        {
            Zones = [.. sample.Zones.Where(z => z.Name != "initech-batch1").Select(z => z.Name == "acme-web1" ? IllumosSampleModel.WithVnic(sample, "acme-web1", "net0", v => v with { MaxBandwidth = 300_000_000 }).Zones.Single(x => x.Name == "acme-web1") : z)],
        };

    [Fact]
    public async Task Run_AuditFindsLeak_UndoesRunRestoresStateAndHostMatchesItAgain()
    {
        var (host, reconciler, store) = await AppliedSampleAsync();
        var before = host.Snapshot();
        var previous = store.Load();
        store.Replace(Changed(previous.Authored), HostTarget.Illumos);

        var outcome = await new VerifiedApply(reconciler, store, _ => Task.FromResult(Verdict(FindingKind.Leak, FindingKind.Blackhole)))
            .RunAsync(previous, Clean, HostTarget.Illumos, ApplyOptions.Default, null, CancellationToken.None);

        Assert.True(outcome.Apply!.Succeeded);
        var rollback = Assert.IsType<VerifyRollback>(outcome.Rollback);
        Assert.True(rollback.Succeeded);
        Assert.NotNull(rollback.Undo);
        Assert.NotEmpty(rollback.Undo!.Executions);
        Assert.NotNull(rollback.Reconcile); // the deleted zone's objects come back through a reconcile, not an undo
        Assert.Equal(previous.Authored, store.Load().Authored);
        Assert.Equal(before, host.Snapshot());
        var (plan, _) = await reconciler.DriftAsync(CancellationToken.None);
        Assert.True(plan.Plan.Steps.IsEmpty);
        Assert.False(outcome.Kept);
    }

    [Fact]
    public async Task Run_AuditFindsOnlyBlackhole_KeepsTheAppliedState()
    {
        var (host, reconciler, store) = await AppliedSampleAsync();
        var before = host.Snapshot();
        var previous = store.Load();
        var changed = store.Replace(Changed(previous.Authored), HostTarget.Illumos);

        var outcome = await new VerifiedApply(reconciler, store, _ => Task.FromResult(Verdict(FindingKind.Blackhole)))
            .RunAsync(previous, Clean, HostTarget.Illumos, ApplyOptions.Default, null, CancellationToken.None);

        Assert.True(outcome.Kept);
        Assert.Null(outcome.Rollback);
        Assert.Equal(changed.Generation, store.Generation());
        Assert.NotEqual(before, host.Snapshot());
    }

    [Fact]
    public async Task Run_ApprovalRefused_DoesNotAudit()
    {
        var (_, reconciler, store) = await AppliedSampleAsync();
        var previous = store.Load();
        store.Replace(Changed(previous.Authored), HostTarget.Illumos);
        var audited = false;

        var outcome = await new VerifiedApply(reconciler, store, _ => { audited = true; return Task.FromResult(Verdict()); })
            .RunAsync(previous, Clean, HostTarget.Illumos, ApplyOptions.Default, _ => false, CancellationToken.None);

        Assert.False(audited);
        Assert.Null(outcome.Audit);
        Assert.Null(outcome.Apply);
    }

    [Fact]
    public async Task Run_LeakThatWasThereBeforeTheRun_IsReportedAndTheRunIsKept()
    {
        // The defect: a breach that existed before the run (a foreign veth joining two tenants) made --verify roll back
        // a change that had nothing to do with it. The baseline audit tells the two apart.
        var (host, reconciler, store) = await AppliedSampleAsync();
        var before = host.Snapshot();
        var previous = store.Load();
        var verified = new VerifiedApply(reconciler, store, _ => Task.FromResult(Verdict(FindingKind.Leak, FindingKind.Blackhole)));
        var baseline = new VerifyBaseline(Verdict(FindingKind.Leak), null);
        var changed = store.Replace(Changed(previous.Authored), HostTarget.Illumos);

        var outcome = await verified.RunAsync(previous, baseline, HostTarget.Illumos, ApplyOptions.Default, null, CancellationToken.None);

        Assert.True(outcome.Kept);
        Assert.Null(outcome.Rollback);
        Assert.Empty(outcome.Introduced);
        Assert.Equal(FindingKind.Leak, Assert.Single(outcome.PreExisting).Kind);
        Assert.Equal(changed.Generation, store.Generation());
        Assert.NotEqual(before, host.Snapshot());
    }

    [Fact]
    public async Task Run_NewLeakBesideAnOldOne_RollsBackForTheNewOneOnly()
    {
        var (host, reconciler, store) = await AppliedSampleAsync();
        var before = host.Snapshot();
        var previous = store.Load();
        var old = Verdict(3, FindingKind.Leak);
        var verified = new VerifiedApply(reconciler, store, _ => Task.FromResult(Merge(old, Verdict(5, FindingKind.Leak))));
        store.Replace(Changed(previous.Authored), HostTarget.Illumos);

        var outcome = await verified.RunAsync(previous, new VerifyBaseline(old, null), HostTarget.Illumos, ApplyOptions.Default, null, CancellationToken.None);

        Assert.NotNull(outcome.Rollback);
        Assert.Equal(5, Assert.Single(outcome.Introduced).Receiver);
        Assert.Equal(3, Assert.Single(outcome.PreExisting).Receiver);
        Assert.Equal(previous.Authored, store.Load().Authored);
        Assert.Equal(before, host.Snapshot());
    }

    [Fact]
    public async Task Baseline_NoAuditPossibleBeforeTheRun_SaysWhyAndEveryBreachCounts()
    {
        var (_, reconciler, store) = await AppliedSampleAsync();
        var previous = store.Load();
        var calls = 0;
        var verified = new VerifiedApply(reconciler, store, _ => ++calls == 1
            ? throw new NetVirt.Audit.Runs.AuditPreconditionException("nothing is applied on this host")
            : Task.FromResult(Verdict(FindingKind.Leak)));
        var baseline = await verified.BaselineAsync(CancellationToken.None);
        store.Replace(Changed(previous.Authored), HostTarget.Illumos);

        var outcome = await verified.RunAsync(previous, baseline, HostTarget.Illumos, ApplyOptions.Default, null, CancellationToken.None);

        Assert.Equal("nothing is applied on this host", baseline.Unavailable);
        Assert.NotNull(outcome.Rollback);
        Assert.Single(outcome.Introduced);
    }
}
