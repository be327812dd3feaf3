using System.Data;
using Microsoft.Data.Sqlite;
using NetVirt.Model.Errors;
using NetVirt.Store.Migrations;

namespace NetVirt.Store;

/// <summary>
/// NetVirt's SQLite file: opens connections with WAL, foreign keys and a busy timeout, brings the schema up to
/// date on open, and runs units of work in write transactions with a bounded retry when another writer holds the
/// lock. One connection per unit of work; the class itself is thread-safe.
/// </summary>
public sealed class NetVirtDatabase
{
    /// <summary>How long one statement waits, by default, for a lock held by another connection.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How many times a whole transaction is retried after the busy timeout ran out.</summary>
    public const int BusyRetries = 3;

    /// <summary>
    /// WAL pages after which a commit checkpoints (SQLite's default is 1000). A checkpoint copies the WAL back and
    /// syncs both files, and an allocation commits some 15 pages, so at 1000 pages every 70th allocation paid for one;
    /// the ipam benchmark showed the checkpoints costing about a third of allocation throughput. 4000 pages (16 MiB of
    /// WAL at most) pays a quarter as often; a long-running server moves checkpoints off the commit path altogether
    /// (<see cref="CheckpointInBackground"/>).
    /// </summary>
    public const int AutoCheckpointPages = 4000;

    private readonly string _connectionString;
    private string? _deploymentId;
    private volatile bool _checkpointInBackground;

    private NetVirtDatabase(string path, TimeSpan busyTimeout, bool create)
    {
        Path = path;
        BusyTimeout = busyTimeout;
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

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>How long one statement waits for a lock held by another connection.</summary>
    public TimeSpan BusyTimeout { get; }

    /// <summary>
    /// Opens (creating if needed) the database at <paramref name="path"/> and applies pending migrations. Refuses a
    /// file that is not NetVirt's or that a newer NetVirt has written. Only what stores a desired state may create a
    /// database; what only reads uses <see cref="OpenExisting"/>. A database created now gets
    /// <paramref name="newDeploymentId"/> as its deployment id when given (tests that need stable MACs), else a random one.
    /// </summary>
    public static NetVirtDatabase Open(string path, TimeSpan? busyTimeout = null, string? newDeploymentId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var database = new NetVirtDatabase(path, busyTimeout ?? DefaultBusyTimeout, create: true);
        database.Execute(c => Migrator.Migrate(c, newDeploymentId), "open the database");
        return database;
    }

    /// <summary>
    /// Opens the NetVirt database at <paramref name="path"/>, which must exist: a missing or empty file is an
    /// <see cref="InvalidInputException"/> naming the path, and nothing is created (a mistyped <c>--db</c> must not turn
    /// into a new, empty deployment whose plan deletes everything). An existing database is still brought up to date.
    /// </summary>
    public static NetVirtDatabase OpenExisting(string path, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var missing = !File.Exists(path) ? "there is no file"
            : new FileInfo(path).Length == 0 ? "the file is empty"
            : null;
        if (missing is not null)
        {
            throw new InvalidInputException(
                $"no NetVirt database at '{path}': {missing}. Commands that only read never create one; check --db or ${StoreLocation.EnvironmentVariable} " +
                "('netvirt apply -f FILE' creates the database when it stores the first desired state)");
        }

        var database = new NetVirtDatabase(path, busyTimeout ?? DefaultBusyTimeout, create: false);
        database.Execute(c => Migrator.Migrate(c, newDeploymentId: null, create: false), "open the database");
        return database;
    }

    /// <summary>This database's deployment id (16 lowercase hex characters; see <see cref="Store.DeploymentId"/>).</summary>
    public string DeploymentId => _deploymentId ??= Read((c, tx) =>
    {
        using var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT deployment_id FROM meta WHERE id = 1";
        return (string)command.ExecuteScalar()!;
    }, "read the deployment id");

    /// <summary>Opens a connection with NetVirt's pragmas set.</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            // NORMAL sync with WAL (set once by the migrator) is durable across process crashes and loses at most
            // the last transactions on power loss, which the next apply restores from the host.
            // wal_autocheckpoint: AutoCheckpointPages, or 0 while a timer checkpoints (CheckpointInBackground).
            pragmas.CommandText = $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; " +
                $"PRAGMA wal_autocheckpoint = {(_checkpointInBackground ? 0 : AutoCheckpointPages)};";
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

    /// <summary>
    /// Moves WAL checkpoints off the write path, for a long-running server: this process's connections stop
    /// checkpointing when a commit fills the WAL (which stalls that commit, and every writer queued behind it, for
    /// milliseconds), and a timer checkpoints every <paramref name="interval"/> instead. PASSIVE checkpoints never
    /// wait for readers or writers. Every connection open sets the mode, so pooled connections follow; other processes are
    /// unaffected. Dispose the result to stop (a last checkpoint runs then).
    /// </summary>
    public BackgroundCheckpointer CheckpointInBackground(TimeSpan interval)
    {
        _checkpointInBackground = true;
        return new BackgroundCheckpointer(this, interval);
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE), retrying when the database is busy.</summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work, string what) => Execute(
        connection =>
        {
            using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        },
        what);

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and rolls it back, whatever it wrote: what a write would do,
    /// seen from inside, with nothing kept (a dry run).
    /// </summary>
    public T Simulate<T>(Func<SqliteConnection, SqliteTransaction, T> work, string what) => Execute(
        connection =>
        {
            using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
            var result = work(connection, transaction);
            transaction.Rollback();
            return result;
        },
        what);

    /// <summary>Runs read-only <paramref name="work"/> on a consistent snapshot.</summary>
    public T Read<T>(Func<SqliteConnection, SqliteTransaction, T> work, string what) => Execute(
        connection =>
        {
            using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: true);
            return work(connection, transaction);
        },
        what);

    private T Execute<T>(Func<SqliteConnection, T> work, string what)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = OpenConnection();
                return work(connection);
            }
            catch (SqliteException ex) when (IsBusy(ex) && attempt <= BusyRetries)
            {
                Thread.Sleep(delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 50)));
                delay *= 2;
            }
            catch (SqliteException ex) when (IsBusy(ex))
            {
                throw new StoreBusyException(
                    $"cannot {what}: the database '{Path}' stayed locked by another writer for over {BusyTimeout.TotalSeconds * (BusyRetries + 1):0.#} s ({BusyRetries + 1} attempts); is another netvirt apply or server running? Try again later.", ex);
            }
        }
    }

    private static bool IsBusy(SqliteException ex) => ex.SqliteErrorCode is 5 or 6; // SQLITE_BUSY, SQLITE_LOCKED

    /// <summary>Copies the WAL back into the database file as far as it can without waiting; false when it could not run now.</summary>
    internal bool Checkpoint()
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

    /// <summary>Resets the connection mode when background checkpoints stop.</summary>
    internal void StopBackgroundCheckpoints() => _checkpointInBackground = false;
}
