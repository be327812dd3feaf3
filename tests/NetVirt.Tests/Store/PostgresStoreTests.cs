using System.Collections.Concurrent;
using Dapper;
using NetVirt.Model.Errors;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Reconciliation;
using NetVirt.Store;
using NetVirt.Store.Migrations;
using NetVirt.Tests.Support;
using Npgsql;

namespace NetVirt.Tests.Store;

/// <summary>
/// The two dialects are one schema, and what only PostgreSQL has: a database that is not NetVirt's, writers side by
/// side in other processes, the apply lock as a session lock. Runs where PostgreSQL is installed, and always under CI.
/// </summary>
public sealed class PostgresStoreTests
{
    private static bool Skip => !NetVirt.Testing.ThrowawayPostgres.Available && Environment.GetEnvironmentVariable("CI") != "true";

    [Fact]
    public void Migrations_BothDialects_HaveTheSameNumbersAndNames()
    {
        Assert.Equal(Migrator.For(StoreEngine.Sqlite).Select(m => m.Name), Migrator.For(StoreEngine.PostgreSql).Select(m => m.Name));
        var sqliteFiles = Directory.GetFiles(Path.Combine(RepoPaths.Root, "schemas", "sqlite"), "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        var postgresFiles = Directory.GetFiles(Path.Combine(RepoPaths.Root, "schemas", "postgresql"), "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(sqliteFiles, postgresFiles);
    }

    [Fact]
    public void Schemas_BothDialects_HaveTheSameTablesColumnsNullabilityAndIndexes()
    {
        if (Skip)
        {
            return;
        }

        using var sqlite = new TempStore(StoreEngine.Sqlite);
        using var postgres = new TempStore(StoreEngine.PostgreSql);
        Assert.Equal(Describe(sqlite.Open()), Describe(postgres.Open()));

        static string Describe(NetVirtStore store)
        {
            using var c = store.Database.OpenConnection();
            var columns = store.Database.Engine == StoreEngine.Sqlite
                ? c.Query<(string Table, string Column, long NotNull, long Pk)>(
                    "SELECT m.name, p.name, p.\"notnull\", p.pk FROM sqlite_schema m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'")
                    .Select(r => $"{r.Table}.{r.Column} {(r.NotNull == 1 || r.Pk > 0 ? "not null" : "null")}")
                : c.Query<(string Table, string Column, string Nullable)>(
                    "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = current_schema()")
                    .Select(r => $"{r.Table}.{r.Column} {(r.Nullable == "NO" ? "not null" : "null")}");
            var indexes = store.Database.Engine == StoreEngine.Sqlite
                ? c.Query<string>("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'")
                : c.Query<string>("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'");
            var triggers = store.Database.Engine == StoreEngine.Sqlite
                ? c.Query<string>("SELECT name FROM sqlite_schema WHERE type = 'trigger'")
                : c.Query<string>("SELECT DISTINCT trigger_name FROM information_schema.triggers WHERE trigger_schema = current_schema()");
            return string.Join("\n", columns.Concat(indexes.Select(i => "index " + i)).Concat(triggers.Select(t => "trigger " + t)).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Open_PostgresDatabaseOfSomeoneElse_IsRefusedAndLeftAlone()
    {
        if (Skip)
        {
            return;
        }

        using var db = new TempStore(StoreEngine.PostgreSql);
        using (var c = new NpgsqlConnection(ConnectionString(db)))
        {
            c.Open();
            c.Execute("CREATE TABLE customers (id int PRIMARY KEY)");
        }

        var ex = Assert.Throws<NetVirtException>(() => db.Open());
        Assert.Contains("not NetVirt's", ex.Message, StringComparison.Ordinal);
        using var check = new NpgsqlConnection(ConnectionString(db));
        check.Open();
        Assert.Equal(1, check.ExecuteScalar<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));
    }

    [Fact]
    public void OpenExisting_EmptyPostgresDatabase_SaysSoAndCreatesNothing()
    {
        if (Skip)
        {
            return;
        }

        using var db = new TempStore(StoreEngine.PostgreSql);
        var ex = Assert.Throws<InvalidInputException>(() => NetVirtStore.OpenExisting(db.Location));
        Assert.Contains("holds no NetVirt deployment yet", ex.Message, StringComparison.Ordinal);
        using var check = new NpgsqlConnection(ConnectionString(db));
        check.Open();
        Assert.Equal(0, check.ExecuteScalar<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));
    }

    [Fact]
    public void Open_PostgresWrittenByANewerNetVirt_IsRefusedUnchanged()
    {
        if (Skip)
        {
            return;
        }

        using var db = new TempStore(StoreEngine.PostgreSql);
        db.Open();
        using (var c = new NpgsqlConnection(ConnectionString(db)))
        {
            c.Open();
            c.Execute("INSERT INTO netvirt_migrations (version, name, applied_at) VALUES (99, '0099_future.sql', 'x')");
        }

        var ex = Assert.Throws<NetVirtException>(() => NetVirtStore.Open(db.Location));
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeploymentId_OnPostgres_IsGivenOnceAndNeverChanges()
    {
        if (Skip)
        {
            return;
        }

        using var db = new TempStore(StoreEngine.PostgreSql);
        var id = db.Open().DeploymentId;
        Assert.True(DeploymentId.IsValid(id), id);
        Assert.Equal(id, NetVirtStore.OpenExisting(db.Location).DeploymentId);
        using var c = new NpgsqlConnection(ConnectionString(db));
        c.Open();
        var ex = Assert.Throws<PostgresException>(() => c.Execute("UPDATE meta SET deployment_id = '0123456789abcdef'"));
        Assert.Contains("never changes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writers_SideBySideOnPostgres_NeverHandOutAnAddressOrMacTwice()
    {
        if (Skip)
        {
            return;
        }

        using var db = new TempStore(StoreEngine.PostgreSql);
        db.Open().Replace(Models.OneNetwork("10.9.0.0/22", "10.9.0.1", zones: 0), HostTarget.Linux);
        var template = Models.OneNetwork("10.9.0.0/22", "10.9.0.1", zones: 1).Zones[0];
        var errors = new ConcurrentBag<Exception>();
        // Eight stores = eight connection pools, as eight servers would have; each adds 25 zones one at a time.
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, writer =>
        {
            var store = NetVirtStore.Open(db.Location);
            for (var i = 0; i < 25; i++)
            {
                try
                {
                    store.AddZone(template with { Name = $"w{writer}z{i}" }, HostTarget.Linux);
                }
                catch (Exception ex)
                {
                    errors.Add(ex);
                }
            }
        });

        Assert.Empty(errors);
        var zones = db.Open().Load().Resolved.Zones;
        Assert.Equal(200, zones.Count);
        Assert.Equal(200, zones.Select(z => z.Vnics[0].Addresses[0].Address).Distinct().Count());
        Assert.Equal(200, zones.Select(z => z.Vnics[0].Mac).Distinct().Count());
    }

    [Fact]
    public async Task ApplyLock_OnPostgres_IsOnePerHostAndFreedWhenTheHolderLetsGo_SharedHoldsCoexist()
    {
        if (Skip)
        {
            return;
        }

        using var db = new TempStore(StoreEngine.PostgreSql);
        var store = db.Open();
        using (await ApplyLock.AcquireAsync(store.Database, "h1", TimeSpan.FromSeconds(1), CancellationToken.None))
        {
            var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => ApplyLock.AcquireAsync(store.Database, "h1", TimeSpan.FromMilliseconds(300), CancellationToken.None));
            Assert.Contains("host 'h1'", ex.Message, StringComparison.Ordinal);
            using var other = await ApplyLock.AcquireAsync(store.Database, "h2", TimeSpan.FromSeconds(1), CancellationToken.None);
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => ApplyLock.AcquireAsync(store.Database, "h1", TimeSpan.FromMilliseconds(300), CancellationToken.None, shared: true));
        }

        // Shared holds (container attachments) coexist and keep an apply out.
        using (await ApplyLock.AcquireAsync(store.Database, "h1", TimeSpan.FromSeconds(1), CancellationToken.None, shared: true))
        using (await ApplyLock.AcquireAsync(store.Database, "h1", TimeSpan.FromSeconds(1), CancellationToken.None, shared: true))
        {
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => ApplyLock.AcquireAsync(store.Database, "h1", TimeSpan.FromMilliseconds(300), CancellationToken.None));
        }

        using var again = await ApplyLock.AcquireAsync(store.Database, "h1", TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    private static string ConnectionString(TempStore db) => ((StoreAddress)StoreLocation.Parse(db.Location)).ConnectionString! + ";Pooling=false";
}
