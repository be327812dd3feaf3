using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using NetVirt.Model.Errors;

namespace NetVirt.Store.Engines;

/// <summary>
/// SQLite: WAL, foreign keys, a busy timeout, one writer at a time (BEGIN IMMEDIATE). Migrations are tracked in
/// <c>netvirt_migrations</c>, with <c>PRAGMA user_version</c> kept at the highest one and <c>PRAGMA application_id</c>
/// marking the file as NetVirt's.
/// </summary>
internal sealed class SqliteDialect : Dialect
{
    /// <summary>SQLite application id of NetVirt databases: "NVRT".</summary>
    public const int ApplicationId = 0x4E565254;

    private readonly string _connectionString;
    private readonly TimeSpan _busyTimeout;

    public SqliteDialect(string path, TimeSpan busyTimeout, bool create)
    {
        Path = path;
        _busyTimeout = busyTimeout;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            // Without create, SQLite itself refuses a missing file: no race between a check and the open.
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
            ForeignKeys = true,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>WAL pages after which a commit checkpoints; 0 while a timer does it (see NetVirtDatabase).</summary>
    public volatile int AutoCheckpointPages = NetVirtDatabase.AutoCheckpointPages;

    public override StoreEngine Engine => StoreEngine.Sqlite;

    public override string Display => Path;

    public override DbConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            // NORMAL sync with WAL (set once by the migrator) is durable across process crashes and loses at most
            // the last transactions on power loss, which the next apply restores from the host.
            pragmas.CommandText = $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {(int)_busyTimeout.TotalMilliseconds}; " +
                $"PRAGMA wal_autocheckpoint = {AutoCheckpointPages};";
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 14 && !File.Exists(Path))
        {
            // SQLITE_CANTOPEN on a file that went away between the check and the open.
            connection.Dispose();
            throw new InvalidInputException($"no NetVirt database at '{Path}' ({ex.Message}); check --db or {StoreLocation.EnvironmentVariable}");
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 26)
        {
            connection.Dispose();
            throw new NetVirtException($"'{Path}' is not a SQLite database, so it cannot be NetVirt's; choose another file with --db or {StoreLocation.EnvironmentVariable}", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public override DbTransaction BeginWrite(DbConnection connection, StoreLock storeLock) =>
        ((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false);

    public override DbTransaction BeginRead(DbConnection connection) =>
        ((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: true);

    public override bool IsRetryable(Exception ex) => ex is SqliteException { SqliteErrorCode: 5 or 6 }; // SQLITE_BUSY, SQLITE_LOCKED

    public override string? ConstraintViolation(Exception ex) => ex is SqliteException { SqliteErrorCode: 19 } sqlite ? sqlite.Message : null;

    public override void LockL2Domain(DbConnection connection, DbTransaction transaction, string domainKey)
    {
        // One writer at a time already.
    }

    public override long NextMacStep(PreparedCommands commands) =>
        commands.Int64("UPDATE meta SET mac_cursor = mac_cursor + 1 WHERE id = 1 RETURNING mac_cursor - 1")!.Value;

    /// <summary>Copies the WAL back into the database file as far as it can without waiting; false when it could not run now.</summary>
    public bool Checkpoint()
    {
        try
        {
            using var connection = OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            command.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException)
        {
            // A checkpoint that cannot run now runs at the next tick; nothing depends on this one.
            return false;
        }
    }

    /// <summary>
    /// What the file holds: the migrations applied (from <c>netvirt_migrations</c>, or 1..user_version for a file from
    /// before that table), or why it is not NetVirt's.
    /// </summary>
    public (SortedSet<int> Applied, string? Foreign, bool Empty) ReadMigrationState(DbConnection connection, DbTransaction? transaction)
    {
        var (version, applicationId, tables, tracked) = connection.QuerySingle<(long, long, long, long)>(
            """
            SELECT (SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id),
                   (SELECT count(*) FROM sqlite_schema WHERE type = 'table'),
                   (SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'netvirt_migrations')
            """, transaction: transaction);
        if (applicationId != ApplicationId && (tables > 0 || version != 0))
        {
            return ([], $"'{Path}' is a SQLite database that is not NetVirt's (application id {applicationId:x8}, {tables} tables); choose another file with --db or {StoreLocation.EnvironmentVariable}", false);
        }

        var applied = tracked > 0
            ? new SortedSet<int>(connection.Query<long>("SELECT version FROM netvirt_migrations", transaction: transaction).Select(v => (int)v))
            : new SortedSet<int>(Enumerable.Range(1, (int)version));
        if (version > 0 && !applied.Contains((int)version))
        {
            applied.Add((int)version);
        }

        return (applied, null, tables == 0 && version == 0);
    }

    public DbTransaction BeginMigration(DbConnection connection)
    {
        // Only now that the file is known to be ours (or new) may it be changed. WAL is persistent: it lets readers
        // (show, the API's GETs) run while one writer works.
        connection.Execute("PRAGMA journal_mode = WAL;");
        // IMMEDIATE takes the write lock first, so two processes opening a new file cannot both migrate it.
        return ((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false);
    }

    public static void FinishMigration(DbConnection connection, DbTransaction transaction, int highest) =>
        connection.Execute(
            $"PRAGMA user_version = {highest.ToString(CultureInfo.InvariantCulture)}; PRAGMA application_id = {ApplicationId.ToString(CultureInfo.InvariantCulture)};",
            transaction: transaction);
}
