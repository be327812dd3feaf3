using NetVirt.Backends.Commands;
using NetVirt.Backends.Illumos;
using NetVirt.Bench.Planner;
using NetVirt.Model.Validation;
using NetVirt.Planning.Plans;

namespace NetVirt.Tests.Bench;

/// <summary>The planner benchmark measures what it says: a valid model, and a drift that holds every kind of difference.</summary>
public sealed class PlannerBenchmarkTests
{
    [Fact]
    public void BuildModel_IsValidForIllumos()
    {
        var result = ModelValidator.Validate(PlannerBenchmark.BuildModel(100), HostTarget.Illumos);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Drift_FivePercent_YieldsMissingChangedReplacedAndExtra()
    {
        var backend = new IllumosBackend(new ProcessCommandRunner(), new IllumosBackendOptions());
        var model = PlannerBenchmark.BuildModel(100);
        var rendered = backend.Render(model);
        Assert.Empty(rendered.Problems);

        var (observed, counts) = PlannerBenchmark.Drift(rendered.Desired, 0.05);
        var plan = NetVirt.Planning.Planner.Plan(rendered.Desired, observed);

        Assert.Equal(1_200, rendered.Desired.Resources.Count(r => r.Owned && r.Zone is not null));
        Assert.All([counts.Missing, counts.ChangedInPlace, counts.Replaced, counts.Extra], c => Assert.InRange(c, 15, 17));
        Assert.Equal(counts.ChangedInPlace, plan.Summary.Change);
        Assert.Equal(counts.Extra, plan.Summary.Delete);
        Assert.True(plan.Summary.Replace >= counts.Replaced);
        Assert.Contains(plan.Steps, s => s.Change == ChangeKind.Create && !plan.Steps.Any(d => d.Action == StepAction.Delete && d.Id == s.Id));
    }
}
