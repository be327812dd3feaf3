using System.Data.Common;
using Dapper;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;
using NetVirt.Store;
using NetVirt.Store.Journal;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Store;

/// <summary>What the store does, the same on SQLite and on PostgreSQL.</summary>
public sealed class StoreBehaviourTests
{
    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Replace_ThenLoad_ReturnsTheSameModel(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        var model = Models.Sample();
        var outcome = store.Replace(model, HostTarget.Linux);
        Assert.True(outcome.Changed);
        Assert.Equal(1, outcome.Generation);
        Assert.Equal(model, store.Load().Authored);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Replace_SameModelAgain_KeepsGeneration(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.Sample(), HostTarget.Linux);
        var again = store.Replace(Models.Sample(), HostTarget.Linux);
        Assert.False(again.Changed);
        Assert.Equal(1, again.Generation);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void UnchangedDocuments_HoldsUntilTheDesiredStateChanges(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        var digest = new string('a', 64);
        Assert.Null(store.UnchangedDocuments(digest));

        var stored = store.Replace(Models.Sample(), HostTarget.Linux);
        Assert.True(store.RecordDocuments(digest, stored.Generation));
        Assert.Equal(stored.Generation, store.UnchangedDocuments(digest));
        Assert.Null(store.UnchangedDocuments(new string('b', 64)));

        // Any change of the desired state in between (here a reservation) ends the match, and a digest recorded for a
        // generation that has moved on is not recorded.
        var reserved = store.Reserve("acme", new NetVirt.Model.Addressing.IpRange(System.Net.IPAddress.Parse("10.100.0.200"), System.Net.IPAddress.Parse("10.100.0.200")), null, HostTarget.Linux);
        Assert.Null(store.UnchangedDocuments(digest));
        Assert.False(store.RecordDocuments(digest, stored.Generation));
        Assert.Null(store.UnchangedDocuments(digest));
        Assert.True(store.RecordDocuments(digest, reserved.Generation));
        Assert.Equal(reserved.Generation, store.UnchangedDocuments(digest));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Replace_InvalidModel_ThrowsWithEveryErrorAndChangesNothing(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.Sample(), HostTarget.Linux);
        var before = store.Load();
        var bad = Models.Sample() with { Networks = [.. Models.Sample().Networks.Select(n => n with { Vlan = 9999 })] };
        var ex = Assert.Throws<ModelValidationException>(() => store.Replace(bad, HostTarget.Linux));
        Assert.Equal(4, ex.Errors.Count(e => e.Code == "vlan.out-of-range"));
        Assert.Equal(before, store.Load());
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Replace_StaleGeneration_IsRefusedAsStale(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.Sample(), HostTarget.Linux);
        var ex = Assert.Throws<StaleGenerationException>(() => store.Replace(NetworkModel.Empty, HostTarget.Linux, expectedGeneration: 0, allowEmpty: true));
        Assert.Contains("generation 1, not 0", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Replace_FailureHalfway_RollsBackEverything(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork("10.0.0.0/30", gateway: null, zones: 1), HostTarget.Linux);
        var before = store.Load();
        // Two automatic addresses and a static one but room for two: validation cannot tell (the static one takes a place
        // in the range only when it is claimed), so allocation fails after the first writes of the transaction.
        var model = Models.OneNetwork("10.0.0.0/30", gateway: null, zones: 3);
        model = model with { Zones = [.. model.Zones.Take(2), model.Zones[2] with { Vnics = [model.Zones[2].Vnics[0] with { Addresses = [new AddressSpec { Tag = "v4", Address = Models.Ip("10.0.0.2") }] }] }] };
        var ex = Assert.Throws<RequestRefusedException>(() => store.Replace(model, HostTarget.Linux));
        Assert.Contains("no free ipv4 address", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, store.Load());
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void Constraints_DuplicateMacWrittenBehindTheCodesBack_AreRefusedByTheDatabase(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(zones: 2), HostTarget.Linux);
        using var c = store.Database.OpenConnection();
        var ex = Assert.ThrowsAny<DbException>(() => c.Execute("UPDATE vnics SET mac = (SELECT min(mac) FROM vnics)"));
        Assert.Matches("UNIQUE constraint failed: vnics.mac|vnics_mac_key", ex.Message);
        var ex2 = Assert.ThrowsAny<DbException>(() => c.Execute("UPDATE ip_addresses SET address_key = (SELECT address_key FROM ip_addresses ORDER BY address_key LIMIT 1)"));
        Assert.Matches("UNIQUE constraint failed|duplicate key", ex2.Message);
        Assert.ThrowsAny<DbException>(() => c.Execute("DELETE FROM addrobjs"));
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void AddZone_TakenName_IsAConflictNamingIt(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(zones: 1), HostTarget.Linux);
        var zone = store.Load().Authored.Zones[0];
        var ex = Assert.Throws<ConcurrencyConflictException>(() => store.AddZone(zone, HostTarget.Linux));
        Assert.Contains("a zone with that name already exists", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public void AddZoneAndRemove_KeepTheRestAndBumpTheGeneration(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        store.Replace(Models.OneNetwork(zones: 2), HostTarget.Linux);
        var template = store.Load().Authored.Zones[0];
        var added = store.AddZone(template with { Name = "z9" }, HostTarget.Linux);
        Assert.Equal(2, added.Generation);
        var state = store.Load();
        Assert.Equal(["z1", "z2", "z9"], state.Authored.Zones.Select(z => z.Name));
        Assert.Equal("10.0.0.4", state.Resolved.Zones[2].Vnics[0].Addresses[0].Address!.ToString());
        store.Remove("z1");
        Assert.Equal(["z2", "z9"], store.Load().Authored.Zones.Select(z => z.Name));
        Assert.Throws<UnknownObjectException>(() => store.Remove("z1"));
    }
    [Theory]
    [MemberData(nameof(StoreEngines.All), MemberType = typeof(StoreEngines))]
    public async Task Journal_RecordedSteps_ReadBackAsWritten(StoreEngine engine)
    {
        using var db = new TempStore(engine);
        var store = db.Open();
        var runId = await store.Journal.BeginRunAsync(new RunStart(1, "fake", Plan.Empty, "cli"), CancellationToken.None);
        static PlanStep Step(int index, string name) => new()
        {
            Index = index, Action = StepAction.Create, Change = ChangeKind.Create, Reason = "not on the host",
            Resource = new HostResource { Kind = Planning.TestKinds.Zone, Name = name, Properties = PropertyBag.Of() },
        };
        var ip = new CommandRecord(["ip", "link", "add", "z1"], 0, "", TimeSpan.FromMilliseconds(2));
        var nft = new CommandRecord(["nft", "-f", "-"], 2, "Error: no such table", TimeSpan.FromMilliseconds(3)) { Input = "add table bridge nv" };
        await store.Journal.RecordStepsAsync(runId,
        [
            new StepExecution { Step = Step(0, "z1"), Outcome = StepOutcome.Succeeded, Commands = [ip], Duration = TimeSpan.FromMilliseconds(2.5) },
            new StepExecution { Step = Step(1, "z2"), Outcome = StepOutcome.Failed, Commands = [ip, nft], Error = "nft failed" },
        ], CancellationToken.None);
        await store.Journal.RecordStepsAsync(runId, [new StepExecution { Step = Step(0, "z1"), Phase = StepPhase.Rollback, Outcome = StepOutcome.Skipped }], CancellationToken.None);

        var steps = store.Journal.Steps(runId);

        Assert.Equal([1L, 2L, 3L], steps.Select(s => s.Seq));
        Assert.Equal(new StepRecord(1, 0, "apply", "create", "zone", "z1", "not on the host", "ip link add z1", 0, "", 2.5, "succeeded", null), steps[0]);
        Assert.Equal(new StepRecord(2, 1, "apply", "create", "zone", "z2", "not on the host", "ip link add z1\nnft -f - <<< 'add table bridge nv'", 2, "Error: no such table", 0, "failed", "nft failed"), steps[1]);
        Assert.Equal(("rollback", (long?)null, "skipped"), (steps[2].Phase, steps[2].ExitCode, steps[2].Outcome));
    }
}
