using System.Diagnostics;
using Dapper;
using NetVirt.Backends.Execution;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Reconciliation;
using NetVirt.Store;
using NetVirt.Tests.Api;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Store;

/// <summary>Runs whose process was killed (kill -9 leaves them <c>running</c> in the journal).</summary>
public sealed class JournalStoreTests : IDisposable
{
    private readonly TempDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public async Task Runs_RunningRunWhoseProcessIsGone_ReadsAsInterrupted()
    {
        var store = database.Open();
        var runId = await KilledRunAsync(store);

        Assert.Equal("interrupted", Assert.Single(store.Journal.Runs()).Outcome);
        Assert.Equal("interrupted", store.Journal.Run(runId).Outcome);
        Assert.Equal("running", StoredOutcome(store, runId));
    }

    [Fact]
    public async Task Apply_WithNothingToDo_MarksTheRunOfAKilledProcessInterrupted()
    {
        // The killed run had done everything but record its end: the next apply finds nothing to do and starts no
        // run of its own, and must still mark it.
        var store = database.Open();
        var runId = await KilledRunAsync(store);

        var (plan, report) = await new Reconciler(store, new FakeHostBackend()).ApplyAsync(ApplyOptions.Default, null, CancellationToken.None);

        Assert.True(plan.Plan.IsEmpty);
        Assert.Null(report);
        Assert.Equal("interrupted", StoredOutcome(store, runId));
        Assert.Equal("the process running this apply ended before it finished", store.Journal.Run(runId).Error);
    }

    [Fact]
    public async Task Destroy_MarksTheRunOfAKilledProcessInterrupted()
    {
        var store = database.Open();
        var runId = await KilledRunAsync(store);

        await new Reconciler(store, new FakeHostBackend()).DestroyAsync(ApplyOptions.Default, null, CancellationToken.None);

        Assert.Equal("interrupted", StoredOutcome(store, runId));
    }

    // A run begun by a process that then died without ending it: its pid is one that has exited.
    private static async Task<long> KilledRunAsync(NetVirtStore store)
    {
        var runId = await store.Journal.BeginRunAsync(new RunStart(1, "fake", Plan.Empty, "cli"), CancellationToken.None);
        using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        store.Database.Write((c, tx) => c.Execute("UPDATE apply_runs SET pid = @pid WHERE id = @runId", new { pid = process.Id, runId }, tx), "test: the run's process died");
        return runId;
    }

    private static string StoredOutcome(NetVirtStore store, long runId) =>
        store.Database.Read((c, tx) => c.ExecuteScalar<string>("SELECT outcome FROM apply_runs WHERE id = @runId", new { runId }, tx)!, "test: read the outcome");
}
