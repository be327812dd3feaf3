using NetVirt.Model.Collections;
using NetVirt.Planning;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;
using static NetVirt.Tests.Planning.TestKinds;

namespace NetVirt.Tests.Planning;

public sealed class PlannerTests
{
    private static readonly HostResource Sw = Res(Switch, "sw0", ("mtu", "9000"));
    private static readonly HostResource P1 = Res(Port, "p1", ("vlan", "100"), ("speed", "10")) with { DependsOn = [Sw.Id], Zone = "web" };
    private static readonly HostResource A1 = Res(Address, "p1/v4", ("addr", "10.0.0.5/24")) with { DependsOn = [P1.Id], Zone = "web" };
    private static readonly HostResource R1 = Res(Route, "web/default", ("gateway", "10.0.0.1")) with { DependsOn = [A1.Id], Zone = "web" };

    private static HostState State(params HostResource[] resources) => new(resources);

    private static string[] Lines(Plan plan) => [.. plan.Steps.Select(s => s.ToString())];

    [Fact]
    public void Plan_EmptyHost_CreatesByAscendingRankThenName()
    {
        var p0 = Res(Port, "p0") with { DependsOn = [Sw.Id] };

        var plan = Planner.Plan(State(R1, A1, P1, p0, Sw), HostState.Empty);

        Assert.Equal(
        [
            "1. create switch sw0: switch sw0: not on the host",
            "2. create port p0: port p0: not on the host",
            "3. create port p1: port p1: not on the host",
            "4. create address p1/v4: address p1/v4: not on the host",
            "5. create route web/default: route web/default: not on the host",
        ], Lines(plan));
        Assert.Equal(new PlanSummary(5, 0, 0, 0), plan.Summary);
    }

    [Fact]
    public void Plan_OwnedExtras_DeletedByDescendingRankAndAddressesGoWithTheirPort()
    {
        var plan = Planner.Plan(HostState.Empty, State(Sw, P1, A1, R1));

        // The address is removed with its port (deleted with parent), so it has no step of its own.
        Assert.Equal(
        [
            "1. delete route web/default: route web/default: not in the desired state",
            "2. delete port p1: port p1: not in the desired state",
            "3. delete switch sw0: switch sw0: not in the desired state",
        ], Lines(plan));
        Assert.Equal(["web"], plan.DisruptedZones);
    }

    [Fact]
    public void Plan_UpdateOfAnObjectNeedingWhatThePlanCreates_ComesAfterThatCreate()
    {
        // A destroy killed half-way (the Linux case: a veth left whose bridge is gone): the switch is gone, a port that
        // needs it is left with a property to change. Re-applying must create the switch before it changes the port.
        var leftOver = P1 with { Properties = P1.Properties.With("speed", "5"), DependsOn = [] };

        var plan = Planner.Plan(State(Sw, P1), State(leftOver));

        Assert.Equal(
        [
            "1. create switch sw0: switch sw0: not on the host",
            "2. update port p1: port p1: speed 5 → 10",
        ], Lines(plan));
        AssertNoStepRefersToALaterCreate(plan, State(Sw, P1));
    }

    [Fact]
    public void Plan_UpdateNeedingACreateOfItsOwnRank_ComesAfterTheCreatesOfThatRank()
    {
        var p0 = Res(Port, "p0") with { DependsOn = [Sw.Id] };
        var p9 = Res(Port, "p9", ("speed", "20")) with { DependsOn = [Sw.Id, p0.Id] };
        var p2 = Res(Port, "p2", ("speed", "20")) with { DependsOn = [Sw.Id] };

        var plan = Planner.Plan(State(Sw, p0, p2, p9), State(Sw, p2 with { Properties = PropertyBag.Of(("speed", "10")) }, p9 with { Properties = PropertyBag.Of(("speed", "10")) }));

        Assert.Equal(
        [
            "1. update port p2: port p2: speed 10 → 20",
            "2. create port p0: port p0: not on the host",
            "3. update port p9: port p9: speed 10 → 20",
        ], Lines(plan));
        AssertNoStepRefersToALaterCreate(plan, State(Sw, p0, p2, p9));
    }

    [Fact]
    public void Plan_ObjectsOfAnotherDeployment_AreNeverTouchedAndAreNamed()
    {
        var theirs = Res(Switch, "sw9") with { Owned = false, Deployment = "ffeeddccbbaa9988" };

        var plan = Planner.Plan(HostState.Empty, State(Sw, theirs));

        Assert.Equal(["1. delete switch sw0: switch sw0: not in the desired state"], Lines(plan));
        var other = Assert.Single(plan.OtherDeployments);
        Assert.Equal(("ffeeddccbbaa9988", 1), (other.Id, other.Objects));
        Assert.Equal("1 object of deployment ffeeddccbbaa9988 (another database), left alone: switch sw9", other.ToString());
    }

    [Fact]
    public void Plan_DesiredObjectAnotherDeploymentHolds_IsAProblemNamingThatDeployment()
    {
        var plan = Planner.Plan(State(Sw), State(Sw with { Owned = false, Deployment = "ffeeddccbbaa9988" }));

        Assert.Empty(plan.Steps);
        var problem = Assert.Single(plan.Problems);
        Assert.Equal("switch sw0", problem.Subject);
        Assert.StartsWith("the name is taken by an object of deployment ffeeddccbbaa9988: another NetVirt database", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_MacThatAnInterfaceOfAnotherDeploymentCarries_IsAProblem()
    {
        var mine = Res(Port, "p5", ("mac", "02:08:20:00:00:07")) with { DependsOn = [Sw.Id] };
        var theirs = Res(Port, "other/p1", ("mac", "02:08:20:00:00:07")) with { Owned = false, Deployment = "ffeeddccbbaa9988" };

        var plan = Planner.Plan(State(Sw, mine), State(Sw, theirs));

        var problem = Assert.Single(plan.Problems);
        Assert.Equal("port p5", problem.Subject);
        Assert.StartsWith("MAC 02:08:20:00:00:07 is already carried by port other/p1 of deployment ffeeddccbbaa9988", problem.Message, StringComparison.Ordinal);
    }

    /// <summary>No create or update step depends on an object that a later step of the plan creates.</summary>
    internal static void AssertNoStepRefersToALaterCreate(Plan plan, HostState desired)
    {
        var createdAt = plan.Steps.Where(s => s.Action == StepAction.Create).ToDictionary(s => s.Id, s => s.Index);
        foreach (var step in plan.Steps.Where(s => s.Action != StepAction.Delete))
        {
            foreach (var dependency in desired.Find(step.Id)?.DependsOn ?? [])
            {
                Assert.False(createdAt.TryGetValue(dependency, out var at) && at > step.Index, $"step {step} needs {dependency}, created later by step {at}");
            }
        }
    }

    [Fact]
    public void Plan_MutableChange_IsOneUpdateSayingWhat()
    {
        var plan = Planner.Plan(State(Sw, P1 with { Properties = P1.Properties.With("speed", "20") }), State(Sw, P1));

        var step = Assert.Single(plan.Steps);
        Assert.Equal((StepAction.Update, ChangeKind.Change), (step.Action, step.Change));
        Assert.Equal("port p1: speed 10 → 20", step.Reason);
        Assert.Equal([new PropertyChange("speed", "10", "20")], step.Changes);
        Assert.Null(step.Disrupts);
    }

    [Fact]
    public void Plan_ImmutableChange_IsReplaceThatNamesTheDisruptedZone()
    {
        var wanted = P1 with { Properties = P1.Properties.With("vlan", "200").With("speed", "20") };

        var plan = Planner.Plan(State(Sw, wanted, A1), State(Sw, P1, A1));

        Assert.Equal(
        [
            "1. delete port p1: port p1: vlan 100 → 200 (cannot change in place)",
            "2. create port p1: port p1: vlan 100 → 200 (cannot change in place)",
            "3. create address p1/v4: address p1/v4: recreated because port p1 is replaced",
        ], Lines(plan));
        Assert.All(plan.Steps, s => Assert.Equal(ChangeKind.Replace, s.Change));
        Assert.Equal("web", plan.Steps[0].Disrupts);
        Assert.Equal([new PropertyChange("speed", "10", "20"), new PropertyChange("vlan", "100", "200")], plan.Steps[0].Changes);
        Assert.Equal(new PlanSummary(0, 0, 2, 0), plan.Summary);
    }

    [Fact]
    public void Plan_ReplacedParent_CascadesToOwnedDependentsOnly()
    {
        var foreign = Res(Port, "fp0") with { DependsOn = [Sw.Id], Owned = false };
        var extra = Res(Route, "web/extra", ("gateway", "10.0.0.9")) with { DependsOn = [A1.Id], Zone = "web" };
        var wanted = P1 with { Properties = P1.Properties.With("vlan", "300") };

        var plan = Planner.Plan(State(Sw, wanted, A1, R1), State(Sw, P1, A1, R1, extra, foreign));

        Assert.Equal(
        [
            "1. delete route web/default: route web/default: recreated because address p1/v4 is replaced",
            "2. delete route web/extra: route web/extra: not in the desired state",
            "3. delete port p1: port p1: vlan 100 → 300 (cannot change in place)",
            "4. create port p1: port p1: vlan 100 → 300 (cannot change in place)",
            "5. create address p1/v4: address p1/v4: recreated because port p1 is replaced",
            "6. create route web/default: route web/default: recreated because address p1/v4 is replaced",
        ], Lines(plan));
        Assert.DoesNotContain(plan.Steps, s => s.Resource.Name == "fp0");
    }

    [Fact]
    public void Plan_ForeignObjects_AreNeverChangedOrDeleted()
    {
        var foreignHave = Res(Port, "eth0", ("speed", "1")) with { Owned = false };
        var foreignWant = foreignHave with { Properties = PropertyBag.Empty };

        var plan = Planner.Plan(State(foreignWant), State(foreignHave, Res(Port, "eth1") with { Owned = false }));

        Assert.True(plan.IsEmpty);
        Assert.Empty(Planner.Diff(State(foreignWant), State(foreignHave)));
    }

    [Fact]
    public void Plan_RequiredForeignMissing_IsAProblem()
    {
        var plan = Planner.Plan(State(Res(Zone, "web") with { Owned = false }, P1 with { DependsOn = [] }), HostState.Empty);

        Assert.Equal("zone web: required on the host but not found; NetVirt does not create it", Assert.Single(plan.Problems).ToString());
        Assert.Single(plan.Steps);
    }

    [Fact]
    public void Plan_RequiredForeignInTheWrongState_IsAProblemNamingBoth()
    {
        var want = Res(Zone, "web", ("state", "running"), ("ip-type", "excl")) with { Owned = false };
        var have = Res(Zone, "web", ("state", "installed"), ("ip-type", "excl"), ("brand", "ipkg")) with { Owned = false };

        Assert.Equal("zone web: required state running, but the host has state installed; NetVirt does not change objects it does not own",
            Assert.Single(Planner.Plan(State(want), State(have)).Problems).ToString());
        Assert.True(Planner.Plan(State(want), State(have with { Properties = have.Properties.With("state", "running") })).IsEmpty);
    }

    [Fact]
    public void Plan_NameTakenByForeignObject_IsAProblemAndNoStep()
    {
        var plan = Planner.Plan(State(Sw), State(Sw with { Owned = false }));

        Assert.Empty(plan.Steps);
        Assert.Equal("switch sw0: the name is taken by an object NetVirt does not own; NetVirt will not touch it", Assert.Single(plan.Problems).ToString());
    }

    [Fact]
    public void Plan_SameInputsInAnyOrder_IsTheSamePlan()
    {
        HostResource[] desired = [Sw, P1 with { Properties = P1.Properties.With("vlan", "7") }, A1, R1, Res(Port, "p2") with { DependsOn = [Sw.Id] }];
        HostResource[] observed = [Sw with { Properties = Sw.Properties.With("mtu", "1500") }, P1, A1, Res(Port, "p9"), Res(Route, "web/x")];

        var a = Planner.Plan(State(desired), State(observed));
        var b = Planner.Plan(State([.. desired.Reverse()]), State([.. observed.Reverse()]));

        Assert.Equal(a, b);
        Assert.Equal(Lines(a), Lines(b));
        Assert.Equal(Enumerable.Range(1, a.Steps.Count), a.Steps.Select(s => s.Index));
    }

    [Fact]
    public void Plan_DeletesThenUpdatesThenCreates()
    {
        var plan = Planner.Plan(
            State(Sw with { Properties = Sw.Properties.With("mtu", "1500") }, Res(Port, "p2") with { DependsOn = [Sw.Id] }),
            State(Sw, Res(Port, "p9") with { DependsOn = [Sw.Id] }));

        Assert.Equal([StepAction.Delete, StepAction.Update, StepAction.Create], plan.Steps.Select(s => s.Action));
    }

    [Fact]
    public void Diff_ReportsFieldByFieldComparingOnlyDesiredProperties()
    {
        var observedP1 = P1 with { Properties = P1.Properties.With("speed", "1").With("vlan", "9").With("observed-only", "x") };

        var drift = Planner.Diff(State(Sw, P1, A1), State(observedP1, A1, R1));

        Assert.Equal(
        [
            "switch sw0: missing",
            "port p1: speed 1 → 10, vlan 9 → 100",
            "route web/default: extra (not in the desired state)",
        ], drift.Select(d => d.ToString()));
        Assert.Equal([DriftKind.Missing, DriftKind.Changed, DriftKind.Extra], drift.Select(d => d.Kind));
    }

    [Fact]
    public void Compensation_UndoesCreatesAndUpdatesButNotDeletes()
    {
        var plan = Planner.Plan(State(Sw with { Properties = Sw.Properties.With("mtu", "1500") }, P1), State(Sw, A1 with { DependsOn = [] }));
        var delete = plan.Steps.Single(s => s.Action == StepAction.Delete);
        var update = plan.Steps.Single(s => s.Action == StepAction.Update);
        var create = plan.Steps.Single(s => s.Action == StepAction.Create);

        Assert.Null(delete.Compensation());
        var undoUpdate = update.Compensation()!;
        Assert.Equal(StepAction.Update, undoUpdate.Action);
        Assert.Equal("9000", undoUpdate.Resource.Properties["mtu"]);
        Assert.Equal([new PropertyChange("mtu", "1500", "9000")], undoUpdate.Changes);
        var undoCreate = create.Compensation()!;
        Assert.Equal((StepAction.Delete, "p1"), (undoCreate.Action, undoCreate.Resource.Name));
        Assert.StartsWith("undo: ", undoCreate.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_CallerProblems_AreKept()
    {
        var plan = Planner.Plan(HostState.Empty, HostState.Empty, [new PlanProblem("zone web vnic net0", "has no MAC yet")]);

        Assert.False(plan.IsEmpty);
        Assert.Equal("zone web vnic net0: has no MAC yet", Assert.Single(plan.Problems).ToString());
    }

    [Fact]
    public void HostState_DuplicateIdentity_Throws()
    {
        Assert.Throws<ArgumentException>(() => State(Sw, Sw with { Properties = PropertyBag.Empty }));
        Assert.Equal(new[] { Sw }.ToEquatableArray(), State(Sw).Resources);
    }
}
