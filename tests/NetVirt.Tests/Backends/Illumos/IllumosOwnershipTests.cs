using NetVirt.Backends.Execution;
using NetVirt.Backends.Illumos;
using NetVirt.Model.Spec;
using NetVirt.Planning;
using NetVirt.Planning.Plans;

namespace NetVirt.Tests.Backends.Illumos;

/// <summary>
/// Ownership tied to the database on illumos: the marker etherstub <c>{prefix}_{deployment id}_1</c> says which
/// database the prefix's objects belong to; another database leaves them alone and refuses a clash.
/// </summary>
public sealed class IllumosOwnershipTests
{
    private const string Mine = "0123456789abcdef";
    private const string Theirs = "fedcba9876543210";

    private static (SimulatedIllumosHost Host, InMemoryApplyJournal Journal) NewHost()
    {
        var host = IllumosSampleModel.Host();

        return (host, new InMemoryApplyJournal());
    }

    private static IllumosBackend Backend(SimulatedIllumosHost host, string? deployment) =>
        new(host, new IllumosBackendOptions { Variant = IllumosVariant.SmartOs, DeploymentId = deployment });

    private static async Task<Plan> PlanAsync(IllumosBackend backend, NetworkModel model)
    {
        var rendered = backend.Render(model);
        return Planner.Plan(rendered.Desired, await backend.ObserveAsync(CancellationToken.None), rendered.Problems);
    }

    private static async Task ApplyAsync(IllumosBackend backend, InMemoryApplyJournal journal, NetworkModel model)
    {
        var plan = await PlanAsync(backend, model);
        Assert.Empty(plan.Problems);
        var report = await new PlanExecutor(backend, journal).ApplyAsync(plan, 1, ApplyOptions.Default, CancellationToken.None);
        Assert.True(report.Succeeded, report.Error);
        Assert.True((await PlanAsync(backend, model)).IsEmpty);
    }

    [Fact]
    public async Task Apply_WithADeploymentId_CreatesTheMarkerFirstAndDestroyRemovesItLast()
    {
        var (host, journal) = NewHost();
        var backend = Backend(host, Mine);

        var plan = await PlanAsync(backend, IllumosSampleModel.Build());
        await ApplyAsync(backend, journal, IllumosSampleModel.Build());

        Assert.Equal("1. create marker nv_0123456789abcdef_1: marker nv_0123456789abcdef_1: not on the host", plan.Steps[0].ToString());
        Assert.Equal("/usr/sbin/dladm create-etherstub -t nv_0123456789abcdef_1", Assert.Single(backend.Describe(plan.Steps[0])).ToString());
        Assert.Contains("link global/nv_0123456789abcdef_1 etherstub", host.Snapshot(), StringComparison.Ordinal);
        var destroy = await PlanAsync(backend, NetworkModel.Empty);
        Assert.Equal("marker nv_0123456789abcdef_1", destroy.Steps[^1].Resource.ToString());
        await ApplyAsync(backend, journal, NetworkModel.Empty);
        Assert.DoesNotContain("nv_", host.Snapshot(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_AnotherDatabaseWithTheSamePrefix_LeavesTheObjectsAloneAndRefusesAClash()
    {
        var (host, journal) = NewHost();
        await ApplyAsync(Backend(host, Mine), journal, IllumosSampleModel.Build());
        var before = host.Snapshot();
        var stranger = Backend(host, Theirs);

        var destroy = await PlanAsync(stranger, NetworkModel.Empty);
        var clash = await PlanAsync(stranger, IllumosSampleModel.Build());

        Assert.Empty(destroy.Steps);
        Assert.Equal(Mine, Assert.Single(destroy.OtherDeployments).Id);
        Assert.Contains(clash.Problems, p => p.Subject == "etherstub nv_stub0" && p.Message.StartsWith($"the name is taken by an object of deployment {Mine}", StringComparison.Ordinal));
        Assert.DoesNotContain(clash.Steps, s => s.Action != StepAction.Create);
        Assert.Equal(before, host.Snapshot());
    }

    [Fact]
    public async Task Apply_ObjectsMadeBeforeDeploymentIds_AreAdoptedByCreatingTheMarker()
    {
        var (host, journal) = NewHost();
        await ApplyAsync(Backend(host, null), journal, IllumosSampleModel.Build());

        var plan = await PlanAsync(Backend(host, Mine), IllumosSampleModel.Build());

        Assert.Equal("create marker nv_0123456789abcdef_1", $"{PlanJson.Name(Assert.Single(plan.Steps).Action)} {plan.Steps[0].Resource}");
        await ApplyAsync(Backend(host, Mine), journal, IllumosSampleModel.Build());
        Assert.Empty((await PlanAsync(Backend(host, Theirs), NetworkModel.Empty)).Steps);
    }
}
