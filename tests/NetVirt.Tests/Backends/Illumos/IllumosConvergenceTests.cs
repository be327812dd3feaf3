using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Illumos;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Spec;
using NetVirt.Planning;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;

namespace NetVirt.Tests.Backends.Illumos;

/// <summary>
/// End to end against <see cref="SimulatedIllumosHost"/>: render → observe → plan → apply through
/// <see cref="PlanExecutor"/> → observe → plan again, on SmartOS and on upstream illumos.
/// </summary>
public sealed class IllumosConvergenceTests
{
    public static TheoryData<IllumosVariant> Variants => new() { IllumosVariant.SmartOs, IllumosVariant.Illumos };

    private static (SimulatedIllumosHost Host, IllumosBackend Backend, InMemoryApplyJournal Journal) NewHost(IllumosVariant variant)
    {
        var host = IllumosSampleModel.Host(variant);

        host.AddZone("bystander");
        return (host, new IllumosBackend(host, new IllumosBackendOptions { Variant = variant }), new InMemoryApplyJournal());
    }

    private static async Task<Plan> PlanAsync(IllumosBackend backend, NetworkModel model)
    {
        var rendered = backend.Render(model);
        var observed = await backend.ObserveAsync(CancellationToken.None);
        var plan = Planner.Plan(rendered.Desired, observed, rendered.Problems);
        return plan with { Problems = [.. plan.Problems, .. backend.Review(plan)] };
    }

    private static async Task<ApplyReport> ApplyAsync(IllumosBackend backend, InMemoryApplyJournal journal, NetworkModel model)
    {
        var plan = await PlanAsync(backend, model);
        Assert.Empty(plan.Problems);
        return await new PlanExecutor(backend, journal).ApplyAsync(plan, 1, ApplyOptions.Default, CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Apply_SampleModelOnEmptyHost_ConvergesAndReplanIsEmpty(IllumosVariant variant)
    {
        var (host, backend, journal) = NewHost(variant);
        var model = IllumosSampleModel.Build();

        var report = await ApplyAsync(backend, journal, model);

        Assert.True(report.Succeeded, report.Error);
        Assert.Equal(RunOutcome.Succeeded, journal.Ends[report.RunId].Outcome);
        var again = await PlanAsync(backend, model);
        Assert.True(again.IsEmpty, string.Join("\n", again.Steps.Select(s => s.ToString())));
        Assert.Contains($"link acme-web1/{backend.Naming.ZoneVnic("acme-web1", "net0")} vnic over=nv_stub0 mac=02:08:20:00:00:00 vid=100 mtu=1500 maxbw=200000000", host.Snapshot(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Apply_SampleModel_EveryCreateVnicCarriesTemporaryAndMtu(IllumosVariant variant)
    {
        var (host, backend, journal) = NewHost(variant);

        await ApplyAsync(backend, journal, IllumosSampleModel.Build());

        var creates = host.Commands.Where(c => c.Arguments.FirstOrDefault() == "create-vnic").ToList();
        var model = IllumosSampleModel.Build();
        var legs = model.Networks.Where(n => n.Subnets.Any(s => s.Gateway is not null)).Select(n => (n.Over, n.Vlan)).Distinct().Count();
        Assert.Equal(model.Zones.Sum(z => z.Vnics.Count) + legs, creates.Count);
        Assert.All(creates, c =>
        {
            Assert.Contains("-t", c.Arguments);
            var p = c.Arguments[c.Arguments.Items.IndexOf("-p") + 1];
            Assert.StartsWith("mtu=", p, StringComparison.Ordinal); // an etherstub VNIC would otherwise start at MTU 9000
        });
    }

    [Fact]
    public async Task Plan_MaxbwChangedInModel_IsOneSetLinkprop()
    {
        var (_, backend, journal) = NewHost(IllumosVariant.SmartOs);
        var model = IllumosSampleModel.Build();
        await ApplyAsync(backend, journal, model);

        var edited = IllumosSampleModel.WithVnic(model, "globex-app1", "net0", v => v with { MaxBandwidth = 300_000_000 });
        var plan = await PlanAsync(backend, edited);

        var step = Assert.Single(plan.Steps);
        Assert.Equal(StepAction.Update, step.Action);
        Assert.Equal("vnic globex-app1/nv_net0: maxbw 100M → 300M", step.Reason);
        Assert.Null(step.Disrupts);
        var command = Assert.Single(backend.Describe(step));
        Assert.Equal("/usr/sbin/dladm set-linkprop -t -z globex-app1 -p maxbw=300M nv_net0", command.ToString());
        AssertSucceeded(await new PlanExecutor(backend, journal).ApplyAsync(plan, 2, ApplyOptions.Default, CancellationToken.None));
        Assert.True((await PlanAsync(backend, edited)).IsEmpty);
    }

    [Fact]
    public async Task Plan_MaxbwRemovedFromModel_ResetsTheProperty()
    {
        var (host, backend, journal) = NewHost(IllumosVariant.SmartOs);
        var model = IllumosSampleModel.Build();
        await ApplyAsync(backend, journal, model);

        var edited = IllumosSampleModel.WithVnic(model, "globex-app1", "net0", v => v with { MaxBandwidth = null });
        var plan = await PlanAsync(backend, edited);

        var step = Assert.Single(plan.Steps);
        Assert.Equal("/usr/sbin/dladm reset-linkprop -t -z globex-app1 -p maxbw nv_net0", Assert.Single(backend.Describe(step)).ToString());
        AssertSucceeded(await new PlanExecutor(backend, journal).ApplyAsync(plan, 2, ApplyOptions.Default, CancellationToken.None));
        Assert.Contains("link globex-app1/nv_net0 vnic over=nv_stub0 mac=02:08:20:00:00:04 vid=200 mtu=1500 maxbw= ", host.Snapshot(), StringComparison.Ordinal);
        Assert.True((await PlanAsync(backend, edited)).IsEmpty);
    }

    [Fact]
    public async Task Plan_VlanChangedInModel_ReplacesVnicsAndNamesTheDisruptedZones()
    {
        var (_, backend, journal) = NewHost(IllumosVariant.SmartOs);
        var model = IllumosSampleModel.Build();
        await ApplyAsync(backend, journal, model);

        var edited = IllumosSampleModel.WithNetwork(model, "globex", n => n with { Vlan = 250 });
        var plan = await PlanAsync(backend, edited);

        Assert.Empty(plan.Problems);
        Assert.Equal(["globex-app1", "globex-app2"], plan.DisruptedZones);
        var delete = plan.Steps.Single(s => s.Action == StepAction.Delete && s.Resource.Kind == IllumosKinds.Vnic && s.Resource.Name == "globex-app1/nv_net0");
        Assert.Equal(ChangeKind.Replace, delete.Change);
        Assert.Equal("vnic globex-app1/nv_net0: vlan 200 → 250 (cannot change in place)", delete.Reason);
        Assert.Equal("globex-app1", delete.Disrupts);
        var create = plan.Steps.Single(s => s.Action == StepAction.Create && s.Resource.Kind == IllumosKinds.Vnic && s.Resource.Name == "globex-app1/nv_net0");
        Assert.True(create.Index > delete.Index);
        Assert.Contains("-v 250", backend.Describe(create)[0].ToString(), StringComparison.Ordinal);

        // The interface goes first (a VNIC with IP plumbed is busy); its addresses go with it; the route is removed explicitly.
        var ipIfDelete = plan.Steps.Single(s => s.Action == StepAction.Delete && s.Resource.Kind == IllumosKinds.IpInterface && s.Resource.Name == "globex-app1/nv_net0");
        Assert.True(ipIfDelete.Index < delete.Index);
        Assert.Equal("ip-if globex-app1/nv_net0: recreated because vnic globex-app1/nv_net0 is replaced", ipIfDelete.Reason);
        Assert.DoesNotContain(plan.Steps, s => s.Action == StepAction.Delete && s.Resource.Kind == IllumosKinds.AddrObj);
        Assert.Contains(plan.Steps, s => s.Action == StepAction.Delete && s.Resource.Kind == IllumosKinds.Route && s.Resource.Name == "globex-app1/0.0.0.0/0");

        // Only the globex L2 domain is touched: two zone VNICs and the gateway leg.
        Assert.Equal(3, plan.Steps.Count(s => s.Action == StepAction.Delete && s.Resource.Kind == IllumosKinds.Vnic));
        AssertSucceeded(await new PlanExecutor(backend, journal).ApplyAsync(plan, 2, ApplyOptions.Default, CancellationToken.None));
        Assert.True((await PlanAsync(backend, edited)).IsEmpty);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(-1)]
    public async Task Apply_FailureAtStepK_RollsBackToThePriorStateAndReapplyConverges(int k)
    {
        var (host, backend, journal) = NewHost(IllumosVariant.SmartOs);
        var model = IllumosSampleModel.Build();
        await ApplyAsync(backend, journal, model with { Zones = [.. model.Zones.Where(z => z.Name != "ops-console1")] });
        var before = host.Snapshot();

        // From here: one link property changes in place (step 1) and a zone's objects are created (steps 2..).
        var edited = IllumosSampleModel.WithVnic(model, "acme-web1", "net0", v => v with { MaxBandwidth = 400_000_000 });
        var plan = await PlanAsync(backend, edited);
        Assert.Equal(StepAction.Update, plan.Steps[0].Action);
        Assert.DoesNotContain(plan.Steps, s => s.Action == StepAction.Delete);
        var mutations = plan.Steps.Sum(s => backend.Describe(s).Count);
        k = k < 0 ? mutations : k; // -1: the last command of the plan
        host.FailNthMutation(k, "ipadm: Could not create address: Permission denied");
        var report = await new PlanExecutor(backend, journal).ApplyAsync(plan, 2, ApplyOptions.Default, CancellationToken.None);

        Assert.Equal(RunOutcome.RolledBack, report.Outcome);
        Assert.Contains("Permission denied", report.Error, StringComparison.Ordinal);
        Assert.Equal(before, host.Snapshot());
        // Steps of one batch are independent and all run; every one that succeeded is undone, newest first.
        var undone = report.Executions.Where(e => e.Phase == StepPhase.Apply && e.Outcome == StepOutcome.RolledBack).Select(e => e.Step.Index).ToList();
        Assert.Equal(undone.AsEnumerable().Reverse(), report.Executions.Where(e => e.Phase == StepPhase.Rollback).Select(e => e.Step.Index));
        AssertSucceeded(await ApplyAsync(backend, journal, edited));
        Assert.True((await PlanAsync(backend, edited)).IsEmpty);
    }

    [Fact]
    public async Task Apply_FailureAfterReplaceDeletes_KeepsTheDeletesAndReapplyConverges()
    {
        var (host, backend, journal) = NewHost(IllumosVariant.SmartOs);
        var model = IllumosSampleModel.Build();
        await ApplyAsync(backend, journal, model);
        var edited = IllumosSampleModel.WithNetwork(model, "initech", n => n with { Vlan = 301 });
        var plan = await PlanAsync(backend, edited);
        var firstCreate = plan.Steps.First(s => s.Action == StepAction.Create);
        host.FailNthMutation(plan.Steps.TakeWhile(s => s != firstCreate).Sum(s => backend.Describe(s).Count) + 1);

        var report = await new PlanExecutor(backend, journal).ApplyAsync(plan, 2, ApplyOptions.Default, CancellationToken.None);

        // The creates of this run are undone, the deletes are not: the next apply starts from what it observes.
        Assert.Equal(RunOutcome.RolledBack, report.Outcome);
        Assert.All(report.Executions.Where(e => e.Phase == StepPhase.Rollback), e => Assert.Equal(StepAction.Delete, e.Step.Action));
        Assert.DoesNotContain("vid=300", host.Snapshot(), StringComparison.Ordinal);
        Assert.DoesNotContain("vid=301", host.Snapshot(), StringComparison.Ordinal);
        AssertSucceeded(await ApplyAsync(backend, journal, edited));
        Assert.True((await PlanAsync(backend, edited)).IsEmpty);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Apply_FailureDuringFirstApply_UndoesWhatCanBeUndone(IllumosVariant variant)
    {
        var (host, backend, journal) = NewHost(variant);
        var before = host.Snapshot();
        var model = IllumosSampleModel.Build();
        var plan = await PlanAsync(backend, model);
        var firstIpStep = plan.Steps.First(s => s.Resource.Kind == IllumosKinds.IpInterface).Index;
        host.FailNthMutation(firstIpStep + 2, "ipadm: Could not create address: Permission denied");

        var report = await new PlanExecutor(backend, journal).ApplyAsync(plan, 1, ApplyOptions.Default, CancellationToken.None);

        if (variant == IllumosVariant.SmartOs)
        {
            Assert.Equal(RunOutcome.RolledBack, report.Outcome);
            Assert.Equal(before, host.Snapshot());
        }
        else
        {
            // Upstream illumos cannot name a running zone's link from the global zone, so the zone VNICs stay; the
            // report says so, and the next apply starts from what is there.
            Assert.Equal(RunOutcome.Failed, report.Outcome);
            Assert.Contains("rollback also failed", report.Error, StringComparison.Ordinal);
            Assert.Contains("upstream illumos cannot name a link", report.Error, StringComparison.Ordinal);
        }

        Assert.Contains(report.Executions, e => e.Phase == StepPhase.Rollback);
        AssertSucceeded(await ApplyAsync(backend, journal, model));
        Assert.True((await PlanAsync(backend, model)).IsEmpty);
    }

    [Fact]
    public async Task Diff_HandMadeChanges_ReportedFieldByFieldAndRepaired()
    {
        var (host, backend, journal) = NewHost(IllumosVariant.SmartOs);
        var model = IllumosSampleModel.Build();
        await ApplyAsync(backend, journal, model);

        // An operator at the console:
        await Operator(host, IllumosTools.Dladm, "set-linkprop", "-t", "-z", "globex-app1", "-p", "maxbw=300M,priority=low", "nv_net0");
        await Operator(host, IllumosTools.Dladm, "reset-linkprop", "-t", "-z", "globex-app2", "-p", "protection", "nv_net0");
        await Operator(host, IllumosTools.Zlogin, "initech-api2", IllumosTools.Ipadm, "delete-addr", "nv_net0/v6");
        await Operator(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "nv_stub0", "-v", "200", "nv_rogue0");
        await Operator(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "nv_stub0", "-v", "200", "sniffer0");
        var foreign = host.Snapshot().Split('\n').Single(l => l.Contains("/sniffer0 ", StringComparison.Ordinal));

        var rendered = backend.Render(model);
        var drift = Planner.Diff(rendered.Desired, await backend.ObserveAsync(CancellationToken.None));

        Assert.Equal(
        [
            "vnic globex-app1/nv_net0: maxbw 300M → 100M, priority low → high",
            "vnic globex-app2/nv_net0: protection (none) → mac-nospoof,ip-nospoof",
            "addrobj initech-api2/nv_net0/v6: missing",
            "vnic global/nv_rogue0: extra (not in the desired state)",
        ], drift.Select(d => d.ToString()));

        var repair = await ApplyAsync(backend, journal, model);
        Assert.True(repair.Succeeded, repair.Error);
        Assert.True((await PlanAsync(backend, model)).IsEmpty);
        Assert.Contains(foreign, host.Snapshot(), StringComparison.Ordinal);
        Assert.DoesNotContain("nv_rogue0", host.Snapshot(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Execute_PlanThatAlreadySucceeded_ChangesNothing(IllumosVariant variant)
    {
        var (host, backend, journal) = NewHost(variant);
        var model = IllumosSampleModel.Build();
        var plan = await PlanAsync(backend, model);
        AssertSucceeded(await new PlanExecutor(backend, journal).ApplyAsync(plan, 1, ApplyOptions.Default, CancellationToken.None));
        var after = host.Snapshot();

        var again = await new PlanExecutor(backend, journal).ApplyAsync(plan, 1, ApplyOptions.Default, CancellationToken.None);

        Assert.True(again.Succeeded, again.Error);
        Assert.Equal(after, host.Snapshot());
    }

    [Fact]
    public async Task Plan_ZoneNotRunning_IsABlockingProblem()
    {
        var (host, backend, _) = NewHost(IllumosVariant.SmartOs);
        host.SetZoneState("acme-web2", "installed");

        var plan = await PlanAsync(backend, IllumosSampleModel.Build());

        var problem = Assert.Single(plan.Problems);
        Assert.Equal("zone acme-web2: required state running, but the host has state installed; NetVirt does not change objects it does not own", problem.ToString());
    }

    [Fact]
    public async Task Plan_ZoneMissing_IsABlockingProblem()
    {
        var host = SimulatedIllumosHost.Create(IllumosVariant.Illumos);
        var backend = new IllumosBackend(host, new IllumosBackendOptions { Variant = IllumosVariant.Illumos });

        var plan = await PlanAsync(backend, IllumosSampleModel.Build());

        Assert.Equal(IllumosSampleModel.ZoneNames.Count(), plan.Problems.Count);
        Assert.All(plan.Problems, p => Assert.EndsWith("required on the host but not found; NetVirt does not create it", p.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_ZoneHaltedAndBootedOnSmartOs_RecreatesItsTransientObjects()
    {
        var (host, backend, journal) = NewHost(IllumosVariant.SmartOs);
        var model = IllumosSampleModel.Build();
        await ApplyAsync(backend, journal, model);

        host.SetZoneState("acme-db1", "installed");
        host.SetZoneState("acme-db1", "running");
        var plan = await PlanAsync(backend, model);

        Assert.All(plan.Steps, s => Assert.Equal(StepAction.Create, s.Action));
        Assert.Equal(["acme-db1/nv_net0", "acme-db1/nv_net1"], plan.Steps.Where(s => s.Resource.Kind == IllumosKinds.Vnic).Select(s => s.Resource.Name));
        AssertSucceeded(await new PlanExecutor(backend, journal).ApplyAsync(plan, 2, ApplyOptions.Default, CancellationToken.None));
        Assert.True((await PlanAsync(backend, model)).IsEmpty);
    }

    [Fact]
    public async Task Review_UpstreamChangeToARunningZonesLink_IsABlockingProblem()
    {
        var (_, backend, journal) = NewHost(IllumosVariant.Illumos);
        var model = IllumosSampleModel.Build();
        await ApplyAsync(backend, journal, model);

        var plan = await PlanAsync(backend, IllumosSampleModel.WithVnic(model, "globex-app1", "net0", v => v with { MaxBandwidth = 300_000_000 }));

        var step = Assert.Single(plan.Steps);
        var problem = Assert.Single(plan.Problems);
        Assert.Equal("vnic globex-app1/nv_globex_app1_net0", problem.Subject);
        Assert.Contains($"step {step.Index} would change a link zone 'globex-app1' holds", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_UpstreamZoneHaltedThenBooted_RecreatesLinksWithTheNewProperties()
    {
        var (host, backend, journal) = NewHost(IllumosVariant.Illumos);
        var model = IllumosSampleModel.Build();
        await ApplyAsync(backend, journal, model);
        var edited = IllumosSampleModel.WithVnic(model, "globex-app1", "net0", v => v with { MaxBandwidth = 300_000_000 });

        // The documented way on upstream illumos: the zone's transient VNICs go away with the halt.
        host.SetZoneState("globex-app1", "installed");
        host.SetZoneState("globex-app1", "running");
        var report = await ApplyAsync(backend, journal, edited);

        Assert.True(report.Succeeded, report.Error);
        Assert.Contains("vid=200 mtu=1500 maxbw=300000000", host.Snapshot(), StringComparison.Ordinal);
        Assert.True((await PlanAsync(backend, edited)).IsEmpty);
    }

    private static void AssertSucceeded(ApplyReport report) => Assert.True(report.Succeeded, $"{report.Outcome}: {report.Error}");

    private static async Task Operator(SimulatedIllumosHost host, string executable, params string[] args)
    {
        var result = await host.RunAsync(CommandSpec.Of(executable, args), CancellationToken.None);
        Assert.True(result.Succeeded, result.Stderr);
    }
}
