using System.Data;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using NetVirt.Model.Errors;

namespace NetVirt.Store.Migrations;

/// <summary>
/// Applies the numbered, append-only SQL files of <c>schemas/sqlite/</c> (embedded in this assembly) in one
/// transaction, tracking the version in <c>PRAGMA user_version</c> and marking the file as NetVirt's with
/// <c>PRAGMA application_id</c>.
/// </summary>
public static class Migrator
{
    /// <summary>SQLite application id of NetVirt databases: "NVRT".</summary>
    public const int ApplicationId = 0x4E565254;

    /// <summary>The migrations shipped with this build, in order.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>Schema version this build writes.</summary>
    public static int LatestVersion => Migrations[^1].Version;

    /// <summary>
    /// Brings the database on <paramref name="connection"/> up to <see cref="LatestVersion"/>. A database without a
    /// deployment id (a new one, or one from before ids existed) gets one in the same transaction:
    /// <paramref name="newDeploymentId"/> when given (tests that need stable MACs), else a random one.
    /// </summary>
    public static int Migrate(SqliteConnection connection, string? newDeploymentId = null, bool create = true)
    {
        if (newDeploymentId is not null && !DeploymentId.IsValid(newDeploymentId))
        {
            throw new ArgumentException($"'{newDeploymentId}' is not a deployment id (16 lowercase hex characters)", nameof(newDeploymentId));
        }

        ArgumentNullException.ThrowIfNull(connection);
        var (version, applicationId, tables) = ReadHeader(connection, null);
        if (version == LatestVersion && applicationId == ApplicationId)
        {
            return version;
        }

        CheckOwnership(connection, version, applicationId, tables);
        if (!create && version == 0)
        {
            throw new InvalidInputException($"'{connection.DataSource}' is an empty SQLite file, not a NetVirt database; check --db or NETVIRT_DB");
        }

        // Only now that the file is known to be ours (or new) may it be changed. WAL is persistent: it lets readers
        // (show, the API's GETs) run while one writer works.
        Execute(connection, null, "PRAGMA journal_mode = WAL;");

        // IMMEDIATE takes the write lock first, so two processes opening a new file cannot both migrate it.
        using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        (version, applicationId, tables) = ReadHeader(connection, transaction);
        CheckOwnership(connection, version, applicationId, tables);
        foreach (var (number, name, sql) in Migrations.Where(m => m.Version > version))
        {
            try
            {
                Execute(connection, transaction, sql);
            }
            catch (SqliteException ex)
            {
                throw new NetVirtException($"migration {name} failed on '{connection.DataSource}': {ex.Message}; the database is unchanged", ex);
            }

            version = number;
        }

        using (var assign = connection.CreateCommand())
        {
            assign.Transaction = transaction;
            assign.CommandText = "UPDATE meta SET deployment_id = $id WHERE id = 1 AND deployment_id IS NULL";
            assign.Parameters.AddWithValue("$id", newDeploymentId ?? DeploymentId.New());
            assign.ExecuteNonQuery();
        }

        Execute(connection, transaction, $"PRAGMA user_version = {version.ToString(CultureInfo.InvariantCulture)}; PRAGMA application_id = {ApplicationId.ToString(CultureInfo.InvariantCulture)};");
        transaction.Commit();
        return version;
    }

    private static void CheckOwnership(SqliteConnection connection, int version, int applicationId, long tables)
    {
        if (applicationId != ApplicationId && (tables > 0 || version != 0))
        {
            throw new NetVirtException($"'{connection.DataSource}' is a SQLite database that is not NetVirt's (application id {applicationId:x8}, {tables} tables); choose another file with --db or NETVIRT_DB");
        }

        if (version > LatestVersion)
        {
            throw new NetVirtException($"'{connection.DataSource}' has schema version {version}, written by a newer NetVirt; this build knows versions up to {LatestVersion}. Upgrade NetVirt; the file was not changed.");
        }
    }

    private static (int Version, int ApplicationId, long Tables) ReadHeader(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT (SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id), (SELECT count(*) FROM sqlite_schema WHERE type = 'table')";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2));
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<(int, string, string)> LoadMigrations()
    {
        var assembly = typeof(Migrator).Assembly;
        var result = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource["migrations/".Length..];
            var number = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            result.Add((number, name, reader.ReadToEnd()));
        }

        for (var i = 0; i < result.Count; i++)
        {
            if (result[i].Item1 != i + 1)
            {
                throw new InvalidOperationException($"migrations must be numbered 1, 2, 3, ... without gaps; found {result[i].Item2} at position {i + 1}");
            }
        }

        return result;
    }
}
