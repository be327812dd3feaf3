using Dapper;
using Microsoft.Data.Sqlite;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Store.Migrations;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Store;

public sealed class NetVirtStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Open_NewFile_AppliesEveryMigrationAndMarksItNetVirts()
    {
        var store = _db.Open();
        using var c = store.Database.OpenConnection();
        Assert.Equal(Migrator.LatestVersion, c.ExecuteScalar<int>("PRAGMA user_version"));
        Assert.Equal(Migrator.ApplicationId, c.ExecuteScalar<int>("PRAGMA application_id"));
        Assert.Equal("wal", c.ExecuteScalar<string>("PRAGMA journal_mode"));
        Assert.Equal(1, c.ExecuteScalar<int>("PRAGMA foreign_keys"));
    }

    [Fact]
    public void Migrations_AppliedToEmptyDatabase_MatchCheckedInSchema()
    {
        var store = _db.Open();
        using var c = store.Database.OpenConnection();
        var schema = string.Join("\n\n", c.Query<string>("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type DESC, name")) + "\n";
        var path = Path.Combine(RepoPaths.Root, "schemas", "sqlite", "current-schema.txt");
        if (Environment.GetEnvironmentVariable("NETVIRT_UPDATE_SCHEMA") == "1")
        {
            File.WriteAllText(path, schema);
        }

        Assert.Equal(File.ReadAllText(path), schema);
    }

    [Fact]
    public void Open_ForeignSqliteFile_RefusesAndLeavesItAlone()
    {
        using (var c = new SqliteConnection($"Data Source={_db.Path}"))
        {
            c.Open();
            c.Execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)");
        }

        var before = File.ReadAllBytes(_db.Path);
        var ex = Assert.Throws<NetVirtException>(() => _db.Open());
        Assert.Contains("not NetVirt's", ex.Message, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, File.ReadAllBytes(_db.Path));
    }

    [Fact]
    public void Open_TextFile_SaysItIsNotADatabase()
    {
        File.WriteAllText(_db.Path, "this is not a database, just some text that is long enough to have a header");
        var ex = Assert.Throws<NetVirtException>(() => _db.Open());
        Assert.Contains("not a SQLite database", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NewerSchemaVersion_RefusesWithoutChangingTheFile()
    {
        _db.Open();
        SqliteConnection.ClearAllPools();
        using (var c = new SqliteConnection($"Data Source={_db.Path}"))
        {
            c.Open();
            c.Execute("PRAGMA user_version = 99");
        }

        SqliteConnection.ClearAllPools();
        var ex = Assert.Throws<NetVirtException>(() => _db.Open());
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
        Assert.Contains("newer NetVirt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replace_ThenLoad_ReturnsTheSameModel()
    {
        var store = _db.Open();
        var model = Models.Sample();
        var outcome = store.Replace(model, HostTarget.Linux);
        Assert.True(outcome.Changed);
        Assert.Equal(1, outcome.Generation);
        Assert.Equal(model, store.Load().Authored);
    }

    [Fact]
    public void Replace_SameModelAgain_KeepsGeneration()
    {
        var store = _db.Open();
        store.Replace(Models.Sample(), HostTarget.Linux);
        var again = store.Replace(Models.Sample(), HostTarget.Linux);
        Assert.False(again.Changed);
        Assert.Equal(1, again.Generation);
    }

    [Fact]
    public void Replace_InvalidModel_ThrowsWithEveryErrorAndChangesNothing()
    {
        var store = _db.Open();
        store.Replace(Models.Sample(), HostTarget.Linux);
        var before = store.Load();
        var bad = Models.Sample() with { Networks = [.. Models.Sample().Networks.Select(n => n with { Vlan = 9999 })] };
        var ex = Assert.Throws<ModelValidationException>(() => store.Replace(bad, HostTarget.Linux));
        Assert.Equal(4, ex.Errors.Count(e => e.Code == "vlan.out-of-range"));
        Assert.Equal(before, store.Load());
    }

    [Fact]
    public void Replace_StaleGeneration_IsRefusedAsStale()
    {
        var store = _db.Open();
        store.Replace(Models.Sample(), HostTarget.Linux);
        var ex = Assert.Throws<StaleGenerationException>(() => store.Replace(NetworkModel.Empty, HostTarget.Linux, expectedGeneration: 0, allowEmpty: true));
        Assert.Contains("generation 1, not 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replace_FailureHalfway_RollsBackEverything()
    {
        var store = _db.Open();
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

    [Fact]
    public void Write_DatabaseLockedByAnotherWriter_GivesUpWithAClearMessage()
    {
        var store = NetVirtStore.Open(_db.Path, busyTimeout: TimeSpan.FromMilliseconds(200));
        using var other = new SqliteConnection($"Data Source={_db.Path}");
        other.Open();
        using var tx = other.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);
        var ex = Assert.Throws<StoreBusyException>(() => store.Replace(Models.Sample(), HostTarget.Linux));
        Assert.Contains("locked by another writer", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public void Constraints_DuplicateMacWrittenBehindTheCodesBack_AreRefusedByTheDatabase()
    {
        var store = _db.Open();
        store.Replace(Models.OneNetwork(zones: 2), HostTarget.Linux);
        using var c = store.Database.OpenConnection();
        var ex = Assert.Throws<SqliteException>(() => c.Execute("UPDATE vnics SET mac = (SELECT min(mac) FROM vnics)"));
        Assert.Contains("UNIQUE constraint failed: vnics.mac", ex.Message, StringComparison.Ordinal);
        var ex2 = Assert.Throws<SqliteException>(() => c.Execute("UPDATE ip_addresses SET address_key = (SELECT min(address_key) FROM ip_addresses)"));
        Assert.Contains("UNIQUE constraint failed", ex2.Message, StringComparison.Ordinal);
        Assert.Throws<SqliteException>(() => c.Execute("DELETE FROM addrobjs"));
    }

    [Fact]
    public void AddZone_TakenName_IsAConflictNamingIt()
    {
        var store = _db.Open();
        store.Replace(Models.OneNetwork(zones: 1), HostTarget.Linux);
        var zone = store.Load().Authored.Zones[0];
        var ex = Assert.Throws<ConcurrencyConflictException>(() => store.AddZone(zone, HostTarget.Linux));
        Assert.Contains("a zone with that name already exists", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddZoneAndRemove_KeepTheRestAndBumpTheGeneration()
    {
        var store = _db.Open();
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
}
