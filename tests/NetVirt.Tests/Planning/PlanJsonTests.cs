using NetVirt.Planning;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;
using static NetVirt.Tests.Planning.TestKinds;

namespace NetVirt.Tests.Planning;

/// <summary>The plan JSON read back (what <c>netvirt --server … plan</c> prints from).</summary>
public sealed class PlanJsonTests
{
    [Fact]
    public void Read_WrittenPlan_GivesTheSameStepsSummaryProblemsAndCommands()
    {
        var sw = Res(Switch, "sw0", ("mtu", "9000"));
        var port = Res(Port, "p1", ("vlan", "100")) with { DependsOn = [sw.Id], Zone = "web" };
        var changed = Res(Port, "p2", ("vlan", "200")) with { DependsOn = [sw.Id], Zone = "db" };
        var plan = Planner.Plan(new HostState([sw, port, changed]), new HostState([Res(Port, "p2", ("vlan", "100")) with { Zone = "db" }, Res(Port, "gone")]));
        plan = plan with { Problems = [new PlanProblem("link eth9", "missing on the host")] };
        IReadOnlyList<string> Commands(PlanStep s) => [$"do {s.Action} {s.Resource.Name}", "and more"];

        var (read, commands) = PlanJson.Read(PlanJson.ToJson(plan, Commands));

        Assert.Equal(plan.Summary, read.Summary);
        Assert.Equal(plan.DisruptedZones, read.DisruptedZones);
        Assert.Equal(plan.Problems, read.Problems);
        Assert.Equal(plan.Steps.Select(s => s.ToString()), read.Steps.Select(s => s.ToString()));
        Assert.Equal(plan.Steps.Select(s => s.Changes), read.Steps.Select(s => s.Changes));
        Assert.Equal(plan.Steps.Select(s => s.Resource.Properties), read.Steps.Select(s => s.Resource.Properties));
        Assert.All(plan.Steps, s => Assert.Equal(Commands(s), commands[s.Index]));
        // Written again, the plan read back is the same JSON byte for byte.
        Assert.Equal(PlanJson.ToJson(plan, Commands), PlanJson.ToJson(read, s => commands[s.Index]));
    }
}
