using System.Data.Common;
using System.Globalization;
using Dapper;
using NetVirt.Model.Errors;
using NetVirt.Store.Engines;

namespace NetVirt.Store.Migrations;

/// <summary>
/// Applies the numbered, append-only SQL files of <c>schemas/sqlite/</c> or <c>schemas/postgresql/</c> (embedded in
/// this assembly; the two dialects have the same numbers and names) in one transaction, and records each one applied in
/// <c>netvirt_migrations</c> (version, name, time). Every embedded migration not recorded there runs, in number order;
/// a recorded version this build does not have means a newer NetVirt wrote the database, which is refused unchanged.
/// SQLite also keeps <c>PRAGMA user_version</c> at the highest version and <c>PRAGMA application_id</c> = "NVRT".
/// </summary>
public static class Migrator
{
    /// <summary>SQLite application id of NetVirt databases: "NVRT".</summary>
    public const int ApplicationId = SqliteDialect.ApplicationId;

    private static readonly IReadOnlyList<Migration> SqliteMigrations = Load("sqlite");
    private static readonly IReadOnlyList<Migration> PostgresMigrations = Load("postgresql");

    /// <summary>The SQLite migrations shipped with this build, in order.</summary>
    public static IReadOnlyList<Migration> Migrations => SqliteMigrations;

    /// <summary>The migrations of <paramref name="engine"/> shipped with this build, in order.</summary>
    public static IReadOnlyList<Migration> For(StoreEngine engine) => engine == StoreEngine.Sqlite ? SqliteMigrations : PostgresMigrations;

    /// <summary>Highest schema version this build writes.</summary>
    public static int LatestVersion => SqliteMigrations[^1].Version;

    /// <summary>
    /// Brings the database up to date. A database without a deployment id (a new one, or one from before ids existed)
    /// gets one in the same transaction: <paramref name="newDeploymentId"/> when given (tests that need stable MACs),
    /// else a random one. Without <paramref name="create"/>, a database that holds nothing yet is refused.
    /// </summary>
    internal static void Migrate(Dialect dialect, DbConnection connection, string? newDeploymentId, bool create)
    {
        if (newDeploymentId is not null && !DeploymentId.IsValid(newDeploymentId))
        {
            throw new ArgumentException($"'{newDeploymentId}' is not a deployment id (16 lowercase hex characters)", nameof(newDeploymentId));
        }

        var migrations = For(dialect.Engine);
        var state = ReadState(dialect, connection, null);
        if (migrations.All(m => state.Applied.Contains(m.Version)) && state.Applied.Count == migrations.Count)
        {
            return;
        }

        CheckOwnership(dialect, migrations, state);
        if (!create && state.Empty)
        {
            throw new InvalidInputException(dialect.Engine == StoreEngine.Sqlite
                ? $"'{dialect.Display}' is an empty SQLite file, not a NetVirt database; check --db or {StoreLocation.EnvironmentVariable}"
                : $"the PostgreSQL database {dialect.Display} holds no NetVirt deployment yet; commands that only read never create one ('netvirt apply -f FILE' or 'netvirt serve' sets it up)");
        }

        using var transaction = dialect switch
        {
            SqliteDialect sqlite => sqlite.BeginMigration(connection),
            PostgresDialect postgres => postgres.BeginMigration(connection),
            _ => throw new InvalidOperationException(dialect.GetType().Name),
        };
        state = ReadState(dialect, connection, transaction);
        CheckOwnership(dialect, migrations, state);
        var now = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        connection.Execute(
            """
            CREATE TABLE IF NOT EXISTS netvirt_migrations (
                version    BIGINT  NOT NULL PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at TEXT    NOT NULL
            )
            """, transaction: transaction);
        foreach (var version in state.Applied.Where(v => !Exists(connection, transaction, v)))
        {
            // A SQLite file from before the table: its user_version said what had run.
            connection.Execute("INSERT INTO netvirt_migrations (version, name, applied_at) VALUES (@version, @name, @now)",
                new { version, name = migrations.First(m => m.Version == version).Name, now }, transaction);
        }

        foreach (var migration in migrations.Where(m => !state.Applied.Contains(m.Version)))
        {
            try
            {
                connection.Execute(migration.Sql, transaction: transaction);
            }
            catch (DbException ex)
            {
                throw new NetVirtException($"migration {migration.Name} failed on {dialect.Display}: {ex.Message}; the database is unchanged", ex);
            }

            connection.Execute("INSERT INTO netvirt_migrations (version, name, applied_at) VALUES (@version, @name, @now)",
                new { version = migration.Version, name = migration.Name, now }, transaction);
        }

        connection.Execute("UPDATE meta SET deployment_id = @id WHERE id = 1 AND deployment_id IS NULL", new { id = newDeploymentId ?? DeploymentId.New() }, transaction);
        if (dialect is SqliteDialect)
        {
            SqliteDialect.FinishMigration(connection, transaction, migrations[^1].Version);
        }

        transaction.Commit();
    }

    /// <summary>True when the database holds a NetVirt deployment (its migrations table has rows); reads only.</summary>
    internal static bool HoldsDeployment(Dialect dialect, DbConnection connection)
    {
        var state = ReadState(dialect, connection, null);
        CheckOwnership(dialect, For(dialect.Engine), state);
        return !state.Empty;
    }

    private static bool Exists(DbConnection connection, DbTransaction transaction, int version) =>
        connection.ExecuteScalar<long>("SELECT count(*) FROM netvirt_migrations WHERE version = @version", new { version }, transaction) > 0;

    private static (SortedSet<int> Applied, string? Foreign, bool Empty) ReadState(Dialect dialect, DbConnection connection, DbTransaction? transaction) => dialect switch
    {
        SqliteDialect sqlite => sqlite.ReadMigrationState(connection, transaction),
        PostgresDialect => PostgresDialect.ReadMigrationState(connection, transaction, dialect.Display),
        _ => throw new InvalidOperationException(dialect.GetType().Name),
    };

    private static void CheckOwnership(Dialect dialect, IReadOnlyList<Migration> migrations, (SortedSet<int> Applied, string? Foreign, bool Empty) state)
    {
        if (state.Foreign is not null)
        {
            throw new NetVirtException(state.Foreign);
        }

        var unknown = state.Applied.Where(v => migrations.All(m => m.Version != v)).ToList();
        if (unknown.Count > 0)
        {
            throw new NetVirtException(
                $"{dialect.Display} has schema version {unknown.Max()}, written by a newer NetVirt; this build knows versions up to {migrations[^1].Version}. Upgrade NetVirt; the database was not changed.");
        }
    }

    private static List<Migration> Load(string dialect)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"migrations/{dialect}/";
        var result = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[prefix.Length..];
            var number = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            result.Add(new Migration(number, name, reader.ReadToEnd()));
        }

        // Numbers only grow; a gap is allowed (a migration of another branch that lands later runs then, since each
        // applied migration is recorded, not only the highest).
        for (var i = 1; i < result.Count; i++)
        {
            if (result[i].Version <= result[i - 1].Version)
            {
                throw new InvalidOperationException($"migrations must have distinct, growing numbers; found {result[i].Name} after {result[i - 1].Name}");
            }
        }

        return result;
    }
}

/// <summary>One embedded migration: its number, file name and SQL.</summary>
public sealed record Migration(int Version, string Name, string Sql);
