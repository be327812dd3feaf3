using NetVirt.Backends.Execution;
using NetVirt.Planning;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;
using static NetVirt.Tests.Planning.TestKinds;

namespace NetVirt.Tests.Backends;

public sealed class PlanExecutorTests
{
    // switch sw0 (rank 10); ports p1, p2 (rank 20); address p1/v4 (rank 30); one port p9 to delete; sw0 mtu changes.
    private static Plan SamplePlan()
    {
        var sw = Res(Switch, "sw0", ("mtu", "9000"));
        var desired = new HostState(
        [
            Res(Switch, "sw0", ("mtu", "1500")), Res(Switch, "sw1"), Res(Port, "p1") with { DependsOn = [sw.Id] }, Res(Port, "p2") with { DependsOn = [sw.Id] },
            Res(Address, "p1/v4", ("addr", "10.0.0.5/24")) with { DependsOn = [new ResourceId("port", "p1")] },
        ]);
        var observed = new HostState([sw, Res(Port, "p9") with { DependsOn = [sw.Id] }]);
        return Planner.Plan(desired, observed);
    }

    private static string[] Keys(IEnumerable<PlanStep> steps) => [.. steps.Select(ScriptedBackend.Key)];

    [Fact]
    public void Plan_UsedHere_HasTheExpectedShape()
    {
        Assert.Equal(["delete port p9", "update switch sw0", "create switch sw1", "create port p1", "create port p2", "create address p1/v4"], Keys(SamplePlan().Steps));
    }

    [Fact]
    public async Task Apply_AllSucceed_BatchesBySameActionAndRank()
    {
        var backend = new ScriptedBackend();
        var journal = new InMemoryApplyJournal();

        var report = await new PlanExecutor(backend, journal).ApplyAsync(SamplePlan(), 7, ApplyOptions.Default, CancellationToken.None);

        Assert.Equal(RunOutcome.Succeeded, report.Outcome);
        Assert.Equal(
            [["delete port p9"], ["update switch sw0"], ["create switch sw1"], ["create port p1", "create port p2"], ["create address p1/v4"]],
            backend.Batches.Select(Keys));
        Assert.Equal(7, journal.Runs.Single().Generation);
        Assert.Equal("test", journal.Runs.Single().Target);
        Assert.Equal(5, journal.Batches);
        Assert.Equal((RunOutcome.Succeeded, (string?)null), journal.Ends[report.RunId]);
        Assert.All(report.Executions, e => Assert.Equal((StepPhase.Apply, StepOutcome.Succeeded), (e.Phase, e.Outcome)));
    }

    [Fact]
    public async Task Apply_StepFails_SkipsTheRestAndRollsBackNewestFirst()
    {
        var backend = new ScriptedBackend { Fail = { "create port p2" } };
        var journal = new InMemoryApplyJournal();

        var report = await new PlanExecutor(backend, journal).ApplyAsync(SamplePlan(), 1, ApplyOptions.Default, CancellationToken.None);

        Assert.Equal(RunOutcome.RolledBack, report.Outcome);
        Assert.Equal("create port p2 failed: permission denied", report.Error);

        // Rollback: the create of p1 (same batch as the failure), the create of sw1, the update of sw0 changed back;
        // the delete of p9 is never undone. The address was skipped.
        var rollback = report.Executions.Where(e => e.Phase == StepPhase.Rollback).Select(e => e.Step).ToList();
        Assert.Equal(["delete port p1", "delete switch sw1", "update switch sw0"], Keys(rollback));
        Assert.Equal("1500", rollback[2].Changes.Single().From);
        Assert.Equal("9000", rollback[2].Resource.Properties["mtu"]);
        var applied = report.Executions.Where(e => e.Phase == StepPhase.Apply).ToDictionary(e => ScriptedBackend.Key(e.Step), e => e.Outcome);
        Assert.Equal(StepOutcome.Succeeded, applied["delete port p9"]);
        Assert.Equal(StepOutcome.RolledBack, applied["update switch sw0"]);
        Assert.Equal(StepOutcome.Failed, applied["create port p2"]);
        Assert.Equal(StepOutcome.Skipped, applied["create address p1/v4"]);
        Assert.Equal(RunOutcome.RolledBack, journal.Ends[report.RunId].Outcome);
        Assert.Equal(report.Executions.Count, journal.Steps.Count);
    }

    [Fact]
    public async Task Apply_KeepGoing_RunsEverythingAndRollsNothingBack()
    {
        var backend = new ScriptedBackend { Fail = { "create switch sw1" } };

        var report = await new PlanExecutor(backend, new InMemoryApplyJournal()).ApplyAsync(SamplePlan(), 1, ApplyOptions.Default with { KeepGoing = true }, CancellationToken.None);

        Assert.Equal(RunOutcome.PartiallyApplied, report.Outcome);
        Assert.Equal(5, backend.Batches.Count);
        Assert.DoesNotContain(report.Executions, e => e.Phase == StepPhase.Rollback);
        Assert.Equal(1, report.Executions.Count(e => e.Outcome == StepOutcome.Failed));
    }

    [Fact]
    public async Task Apply_CancelledBetweenBatches_StopsAndUndoesThisRun()
    {
        using var cts = new CancellationTokenSource();
        var backend = new ScriptedBackend { AfterBatch = n => { if (n == 3) { cts.Cancel(); } } };

        var report = await new PlanExecutor(backend, new InMemoryApplyJournal()).ApplyAsync(SamplePlan(), 1, ApplyOptions.Default, cts.Token);

        Assert.Equal(RunOutcome.Cancelled, report.Outcome);
        Assert.Equal(3 + 2, backend.Batches.Count); // three batches ran, then two rollback batches (switch create, switch update)
        Assert.Equal(["create port p1", "create port p2", "create address p1/v4"],
            Keys(report.Executions.Where(e => e.Outcome == StepOutcome.Cancelled).Select(e => e.Step)));
        Assert.Equal(["delete switch sw1", "update switch sw0"], Keys(report.Executions.Where(e => e.Phase == StepPhase.Rollback).Select(e => e.Step)));
    }

    [Fact]
    public async Task Apply_RollbackFails_RunFailedAndErrorSaysBoth()
    {
        var backend = new ScriptedBackend { Fail = { "create port p2", "delete port p1" } };

        var report = await new PlanExecutor(backend, new InMemoryApplyJournal()).ApplyAsync(SamplePlan(), 1, ApplyOptions.Default, CancellationToken.None);

        Assert.Equal(RunOutcome.Failed, report.Outcome);
        Assert.Equal("create port p2 failed: permission denied; rollback also failed: delete port p1 failed: permission denied", report.Error);
        Assert.DoesNotContain(report.Executions, e => e.Outcome == StepOutcome.RolledBack);
    }

    [Fact]
    public async Task Apply_StepFoundInPlace_IsNotRolledBack()
    {
        var backend = new ScriptedBackend { Fail = { "create address p1/v4" }, NoOp = { "create port p1" } };

        var report = await new PlanExecutor(backend, new InMemoryApplyJournal()).ApplyAsync(SamplePlan(), 1, ApplyOptions.Default, CancellationToken.None);

        Assert.Equal(["delete port p2", "delete switch sw1", "update switch sw0"], Keys(report.Executions.Where(e => e.Phase == StepPhase.Rollback).Select(e => e.Step)));
        Assert.Equal(StepOutcome.Succeeded, report.Executions.Single(e => ScriptedBackend.Key(e.Step) == "create port p1").Outcome);
    }

    [Fact]
    public async Task Apply_BackendThrows_EveryStepOfTheBatchFailsWithTheReason()
    {
        var backend = new ScriptedBackend { Throw = "create port p1" };

        var report = await new PlanExecutor(backend, new InMemoryApplyJournal()).ApplyAsync(SamplePlan(), 1, ApplyOptions.Default, CancellationToken.None);

        Assert.Equal(RunOutcome.RolledBack, report.Outcome);
        var failed = report.Executions.Where(e => e.Outcome == StepOutcome.Failed).ToList();
        Assert.Equal(["create port p1", "create port p2"], Keys(failed.Select(e => e.Step)));
        Assert.Equal("create port p1: netlink socket closed", failed[0].Error);
    }

    [Fact]
    public async Task Apply_PlanWithProblems_IsRefused()
    {
        var plan = SamplePlan() with { Problems = [new PlanProblem("zone web", "required on the host but not found")] };

        await Assert.ThrowsAsync<InvalidOperationException>(() => new PlanExecutor(new ScriptedBackend(), new InMemoryApplyJournal()).ApplyAsync(plan, 1, ApplyOptions.Default, CancellationToken.None));
    }

    [Fact]
    public void Batches_SplitOnActionOrRankChange()
    {
        var steps = SamplePlan().Steps;

        Assert.Equal([1, 1, 1, 2, 1], PlanExecutor.Batches(steps).Select(b => b.Count));
    }
}
