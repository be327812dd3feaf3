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

}
