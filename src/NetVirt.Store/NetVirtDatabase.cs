using System.Data.Common;
using NetVirt.Model.Errors;
using NetVirt.Store.Engines;
using NetVirt.Store.Migrations;

namespace NetVirt.Store;

/// <summary>
/// NetVirt's database, on SQLite (a file: WAL, foreign keys, a busy timeout) or PostgreSQL (a shared server for many
/// hosts): brings the schema up to date on open, and runs units of work in transactions, retrying the whole unit when
/// another writer was in the way. One connection per unit of work; the class itself is thread-safe.
/// </summary>
public sealed class NetVirtDatabase
{
    /// <summary>How long one statement waits, by default, for a lock held by another connection.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How many times a whole transaction is retried after another writer got in the way.</summary>
    public const int BusyRetries = 3;

    /// <summary>
    /// WAL pages after which a SQLite commit checkpoints (SQLite's default is 1000). A checkpoint copies the WAL back and
    /// syncs both files, and an allocation commits some 15 pages, so at 1000 pages every 70th allocation paid for one;
    /// the ipam benchmark showed the checkpoints costing about a third of allocation throughput. 4000 pages (16 MiB of
    /// WAL at most) pays a quarter as often; a long-running server moves checkpoints off the commit path altogether
    /// (<see cref="CheckpointInBackground"/>).
    /// </summary>
    public const int AutoCheckpointPages = 4000;

    private readonly Dialect _dialect;
    private string? _deploymentId;

    private NetVirtDatabase(StoreAddress address, Dialect dialect, TimeSpan busyTimeout)
    {
        Address = address;
        _dialect = dialect;
        BusyTimeout = busyTimeout;
    }

    /// <summary>Where the database is.</summary>
    public StoreAddress Address { get; }

    /// <summary>The engine.</summary>
    public StoreEngine Engine => Address.Engine;

    /// <summary>How to name the database in messages (a path, or a URI without password).</summary>
    public string Location => Address.Display;

    /// <summary>The database file (SQLite only; null on PostgreSQL).</summary>
    public string? Path => Address.FilePath;

    /// <summary>How long one statement waits for a lock held by another connection.</summary>
    public TimeSpan BusyTimeout { get; }

    /// <summary>What differs between the engines.</summary>
    internal Dialect Dialect => _dialect;

    /// <summary>
    /// Opens (creating if needed) the database at <paramref name="location"/> (a file path or a <c>postgresql://</c> URI)
    /// and applies pending migrations. Refuses a database that is not NetVirt's or that a newer NetVirt has written.
    /// Only what stores a desired state may create a database; what only reads uses <see cref="OpenExisting(string, TimeSpan?)"/>.
    /// A database created now gets <paramref name="newDeploymentId"/> as its deployment id when given (tests that need
    /// stable MACs), else a random one. A PostgreSQL database must exist (NetVirt creates tables in it, not the database).
    /// </summary>
    public static NetVirtDatabase Open(string location, TimeSpan? busyTimeout = null, string? newDeploymentId = null) =>
        Open(StoreLocation.Parse(location), busyTimeout, newDeploymentId);

    /// <inheritdoc cref="Open(string, TimeSpan?, string?)"/>
    public static NetVirtDatabase Open(StoreAddress address, TimeSpan? busyTimeout = null, string? newDeploymentId = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.FilePath is { } path)
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        var database = Create(address, busyTimeout ?? DefaultBusyTimeout, create: true);
        database.Execute(c => { Migrator.Migrate(database._dialect, c, newDeploymentId, create: true); return 0; }, "open the database");
        return database;
    }

    /// <summary>
    /// Opens the NetVirt database at <paramref name="location"/>, which must exist and hold a deployment: a missing or
    /// empty file (or an empty PostgreSQL database) is an <see cref="InvalidInputException"/> naming it, and nothing is
    /// created (a mistyped <c>--db</c> must not turn into a new, empty deployment whose plan deletes everything). An
    /// existing database is still brought up to date.
    /// </summary>
    public static NetVirtDatabase OpenExisting(string location, TimeSpan? busyTimeout = null) => OpenExisting(StoreLocation.Parse(location), busyTimeout);

    /// <inheritdoc cref="OpenExisting(string, TimeSpan?)"/>
    public static NetVirtDatabase OpenExisting(StoreAddress address, TimeSpan? busyTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.FilePath is { } path)
        {
            var missing = !File.Exists(path) ? "there is no file"
                : new FileInfo(path).Length == 0 ? "the file is empty"
                : null;
            if (missing is not null)
            {
                throw new InvalidInputException(
                    $"no NetVirt database at '{path}': {missing}. Commands that only read never create one; check --db or ${StoreLocation.EnvironmentVariable} " +
                    "('netvirt apply -f FILE' creates the database when it stores the first desired state)");
            }
        }

        var database = Create(address, busyTimeout ?? DefaultBusyTimeout, create: false);
        database.Execute(c => { Migrator.Migrate(database._dialect, c, newDeploymentId: null, create: false); return 0; }, "open the database");
        return database;
    }

    /// <summary>
    /// True when <paramref name="address"/> holds a NetVirt deployment: a SQLite file that exists and is not empty, or a
    /// PostgreSQL database with NetVirt's schema. Creates and changes nothing (a dry run against an empty database asks).
    /// </summary>
    public static bool HoldsDeployment(StoreAddress address, TimeSpan? busyTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.FilePath is { } path)
        {
            return File.Exists(path) && new FileInfo(path).Length > 0;
        }

        var database = Create(address, busyTimeout ?? DefaultBusyTimeout, create: false);
        return database.Execute(c => Migrator.HoldsDeployment(database._dialect, c), "look for a NetVirt deployment");
    }

    private static NetVirtDatabase Create(StoreAddress address, TimeSpan busyTimeout, bool create) => new(
        address,
        address.Engine == StoreEngine.Sqlite
            ? new SqliteDialect(address.FilePath!, busyTimeout, create)
            : new PostgresDialect(address.ConnectionString!, address.Display, busyTimeout),
        busyTimeout);

    /// <summary>This database's deployment id (16 lowercase hex characters; see <see cref="Store.DeploymentId"/>).</summary>
    public string DeploymentId => _deploymentId ??= Read((c, tx) =>
    {
        using var command = c.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT deployment_id FROM meta WHERE id = 1";
        return (string)command.ExecuteScalar()!;
    }, "read the deployment id");

    /// <summary>Opens a connection ready for NetVirt's queries (SQLite: with its pragmas set).</summary>
    public DbConnection OpenConnection() => _dialect.OpenConnection();

    /// <summary>
    /// Moves SQLite's WAL checkpoints off the write path, for a long-running server: this process's connections stop
    /// checkpointing when a commit fills the WAL (which stalls that commit, and every writer queued behind it, for
    /// milliseconds), and a timer checkpoints every <paramref name="interval"/> instead. PASSIVE checkpoints never
    /// wait for readers or writers. Every connection open sets the mode, so pooled connections follow; other processes are
    /// unaffected. Dispose the result to stop (a last checkpoint runs then). PostgreSQL checkpoints by itself: nothing to do.
    /// </summary>
    public BackgroundCheckpointer CheckpointInBackground(TimeSpan interval)
    {
        if (_dialect is SqliteDialect sqlite)
        {
            sqlite.AutoCheckpointPages = 0;
        }

        return new BackgroundCheckpointer(this, interval);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction holding <paramref name="storeLock"/> (on SQLite every write
    /// is alone: BEGIN IMMEDIATE), retrying the whole unit when another writer was in the way.
    /// </summary>
    public T Write<T>(Func<DbConnection, DbTransaction, T> work, string what, StoreLock storeLock = StoreLock.Exclusive)
    {
        var result = Execute(
            connection =>
            {
                using var transaction = _dialect.BeginWrite(connection, storeLock);
                var result = work(connection, transaction);
                transaction.Commit();
                return result;
            },
            what);
        if (storeLock != StoreLock.None)
        {
            Committed?.Invoke();
        }

        return result;
    }

    /// <summary>Raised after every desired-state write of this process commits (the change feed's in-process bell).</summary>
    internal event Action? Committed;

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and rolls it back, whatever it wrote: what a write would do,
    /// seen from inside, with nothing kept (a dry run).
    /// </summary>
    public T Simulate<T>(Func<DbConnection, DbTransaction, T> work, string what) => Execute(
        connection =>
        {
            using var transaction = _dialect.BeginWrite(connection, StoreLock.Exclusive);
            var result = work(connection, transaction);
            transaction.Rollback();
            return result;
        },
        what);

    /// <summary>Runs read-only <paramref name="work"/> on a consistent snapshot.</summary>
    public T Read<T>(Func<DbConnection, DbTransaction, T> work, string what) => Execute(
        connection =>
        {
            using var transaction = _dialect.BeginRead(connection);
            return work(connection, transaction);
        },
        what);

    /// <summary>
    /// On PostgreSQL, tries to take the session-level advisory lock named <paramref name="name"/> on a connection of its
    /// own and returns that connection (dispose it to release the lock), or null when another session holds it. The
    /// server releases the lock when the session ends, also when its process is killed, so a crash never leaves a stale
    /// lock. On SQLite there are no sessions to lock: callers lock a file next to the database instead.
    /// </summary>
    public IDisposable? TryLockSession(string name, bool shared = false)
    {
        if (_dialect is not PostgresDialect postgres)
        {
            throw new InvalidOperationException("session locks are PostgreSQL's; lock a file next to a SQLite database");
        }

        var connection = postgres.OpenListenConnection();
        try
        {
            if (Dapper.SqlMapper.ExecuteScalar<bool>(connection, shared ? "SELECT pg_try_advisory_lock_shared(@LockClass, @key)" : "SELECT pg_try_advisory_lock(@LockClass, @key)",
                    new { PostgresDialect.LockClass, key = Dialect.LockHash("session/" + name) }))
            {
                return connection;
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        connection.Dispose();
        return null;
    }

    /// <summary>When <paramref name="ex"/> is a constraint refusing a write, its text, else null.</summary>
    internal string? ConstraintViolation(Exception ex) => _dialect.ConstraintViolation(ex);

    private T Execute<T>(Func<DbConnection, T> work, string what)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = _dialect.OpenConnection();
                return work(connection);
            }
            catch (Exception ex) when (_dialect.IsRetryable(ex) && attempt <= BusyRetries)
            {
                Thread.Sleep(delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 50)));
                delay *= 2;
            }
            catch (Exception ex) when (_dialect.IsRetryable(ex))
            {
                throw new StoreBusyException(
                    $"cannot {what}: the database {Location} stayed locked by another writer for over {BusyTimeout.TotalSeconds * (BusyRetries + 1):0.#} s ({BusyRetries + 1} attempts); is another netvirt apply or server running? Try again later.", ex);
            }
        }
    }

    /// <summary>Copies the WAL back into the database file as far as it can without waiting; false when it could not run now.</summary>
    internal bool Checkpoint() => _dialect is SqliteDialect sqlite && sqlite.Checkpoint();

    /// <summary>Resets the connection mode when background checkpoints stop.</summary>
    internal void StopBackgroundCheckpoints()
    {
        if (_dialect is SqliteDialect sqlite)
        {
            sqlite.AutoCheckpointPages = AutoCheckpointPages;
        }
    }
}
