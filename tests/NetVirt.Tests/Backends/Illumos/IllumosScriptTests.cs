using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Illumos;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Backends.Illumos.Scripts;
using NetVirt.Model.Collections;
using NetVirt.Planning;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Backends.Illumos;

/// <summary>
/// The operator script for the sample model, reviewed against the reference and kept as golden files
/// (regenerate with NETVIRT_UPDATE_GOLDEN=1 and review the diff).
/// </summary>
public sealed class IllumosScriptTests
{
    private static IllumosBackend Backend(IllumosVariant variant) => new(new SimulatedIllumosHost(variant), new IllumosBackendOptions { Variant = variant });

    private static Plan SamplePlan(IllumosBackend backend)
    {
        // Offline, as `netvirt plan --target illumos --format script` runs away from the host: from an empty host
        // whose zones are there (the required zones are what an operator provides).
        var rendered = backend.Render(IllumosSampleModel.Build());
        return Planner.Plan(rendered.Desired, new HostState(rendered.Desired.Resources.Where(r => !r.Owned)), rendered.Problems);
    }

    [Theory]
    [InlineData(IllumosVariant.SmartOs, "sample-smartos.sh")]
    [InlineData(IllumosVariant.Illumos, "sample-illumos.sh")]
    public void Write_SamplePlan_MatchesGolden(IllumosVariant variant, string golden)
    {
        var backend = Backend(variant);

        var script = IllumosScript.Write(SamplePlan(backend), backend);

        RepositoryFiles.AssertGolden(Path.Combine("Backends", "Illumos", "Golden", golden), script);
    }

    [Fact]
    public async Task Write_ChangePlan_MatchesGoldenWithReplaceAndDisruption()
    {
        var host = IllumosSampleModel.Host();

        var backend = new IllumosBackend(host, new IllumosBackendOptions { Variant = IllumosVariant.SmartOs });
        var model = IllumosSampleModel.Build();
        var rendered = backend.Render(model);
        var first = Planner.Plan(rendered.Desired, await backend.ObserveAsync(CancellationToken.None));
        Assert.True((await new PlanExecutor(backend, new InMemoryApplyJournal()).ApplyAsync(first, 1, ApplyOptions.Default, CancellationToken.None)).Succeeded);

        var edited = IllumosSampleModel.WithNetwork(model, "globex", n => n with { Vlan = 250 });
        edited = IllumosSampleModel.WithVnic(edited, "initech-batch1", "net0", v => v with { MaxBandwidth = null, Priority = global::NetVirt.Model.Spec.Priority.Medium });
        edited = edited with { Zones = [.. edited.Zones.Where(z => z.Name != "ops-console1")] };
        var renderedEdit = backend.Render(edited);
        var plan = Planner.Plan(renderedEdit.Desired, await backend.ObserveAsync(CancellationToken.None), renderedEdit.Problems);

        RepositoryFiles.AssertGolden(Path.Combine("Backends", "Illumos", "Golden", "change-smartos.sh"), IllumosScript.Write(plan, backend));
    }

    [Fact]
    public void Write_PlanWithProblems_ListsThemAndExitsBeforeAnyCommand()
    {
        var backend = Backend(IllumosVariant.SmartOs);
        var rendered = backend.Render(IllumosSampleModel.Build());
        var plan = Planner.Plan(rendered.Desired, HostState.Empty, rendered.Problems);

        var script = IllumosScript.Write(plan, backend);

        var exit = script.IndexOf("\nexit 1\n", StringComparison.Ordinal);
        Assert.True(exit > 0);
        Assert.Contains("#   zone acme-web1: required on the host but not found; NetVirt does not create it\n", script, StringComparison.Ordinal);
        Assert.True(script.IndexOf("/usr/sbin/dladm", StringComparison.Ordinal) > exit);
    }

    [Fact]
    public void Write_EmptyPlan_SaysNothingToDo()
    {
        var script = IllumosScript.Write(Plan.Empty, Backend(IllumosVariant.Illumos));

        Assert.EndsWith("set -eu\n\n# Nothing to do: the host matches the model.\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ReasonWithNewline_StaysInTheComment()
    {
        var resource = new HostResource { Kind = IllumosKinds.Etherstub, Name = "nv_stub0", Properties = PropertyBag.Of(("mtu", "9000")) };
        var plan = new Plan
        {
            Steps = new[] { new PlanStep { Index = 1, Action = StepAction.Create, Change = ChangeKind.Create, Resource = resource, Reason = "line one\nrm -rf /" } }.ToEquatableArray(),
        };

        var script = IllumosScript.Write(plan, Backend(IllumosVariant.SmartOs));

        Assert.Contains("# 1. create line one rm -rf /\n/usr/sbin/dladm create-etherstub -t nv_stub0\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_SamplePlan_IsValidPosixShell()
    {
        var backend = Backend(IllumosVariant.SmartOs);
        var script = IllumosScript.Write(SamplePlan(backend), backend);

        var result = await new ProcessCommandRunner().RunAsync(CommandSpec.Of("/bin/sh", "-n") with { StandardInput = script }, CancellationToken.None);

        Assert.True(result.Succeeded, result.Stderr);
        Assert.StartsWith("#!/bin/sh\n", script, StringComparison.Ordinal);
    }
}
