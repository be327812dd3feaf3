using System.Data;
using System.Data.Common;
using Dapper;
using NetVirt.Model.Errors;
using Npgsql;

namespace NetVirt.Store.Engines;

/// <summary>
/// PostgreSQL: pooled connections, writers side by side under READ COMMITTED with advisory transaction locks
/// (<see cref="StoreLock"/>, <see cref="LockL2Domain"/>), reads on a REPEATABLE READ snapshot, automatic MACs from a
/// sequence. Migrations are tracked in <c>netvirt_migrations</c>, and only one process migrates at a time.
/// </summary>
internal sealed class PostgresDialect : Dialect, IDisposable
{
    /// <summary>The class part of every advisory lock NetVirt takes ("NV"), so its keys are recognisable in pg_locks.</summary>
    public const int LockClass = 0x4E56;

    /// <summary>Lock objects within <see cref="LockClass"/>.</summary>
    public const int MigrationLock = 1;

    /// <summary>The desired state (shared by targeted writes, exclusive for whole-state writes).</summary>
    public const int StateLock = 2;

    private readonly NpgsqlDataSource _source;

    public PostgresDialect(string connectionString, string display, TimeSpan busyTimeout)
    {
        ConnectionString = connectionString;
        Display = display;
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Statements wait for locks (another writer of the same L2 domain) at most this long.
            CommandTimeout = Math.Max(30, (int)Math.Ceiling(busyTimeout.TotalSeconds * 4)),
        };
        _source = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>The connection string (may hold a password: never print it).</summary>
    public string ConnectionString { get; }

    public override StoreEngine Engine => StoreEngine.PostgreSql;

    public override string Display { get; }

    public override DbConnection OpenConnection()
    {
        try
        {
            return _source.OpenConnection();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            throw new InvalidInputException($"no PostgreSQL database '{ex.Message}' at {Display}: create it first (createdb), then let 'netvirt apply -f' or 'netvirt serve' set it up");
        }
        catch (NpgsqlException ex) when (ex is not PostgresException)
        {
            throw new StoreUnavailableException($"cannot reach the PostgreSQL database {Display}: {ex.Message}{(ex.InnerException is { } inner ? $" ({inner.Message})" : "")}", ex);
        }
        catch (PostgresException ex)
        {
            throw new StoreUnavailableException($"the PostgreSQL database {Display} refused the connection: {ex.MessageText} [{ex.SqlState}]", ex);
        }
    }

    /// <summary>
    /// A connection of its own, outside the pool, for LISTEN: notifications are delivered to the session that
    /// listens, so it must stay open and never be handed to other work.
    /// </summary>
    public NpgsqlConnection OpenListenConnection()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, KeepAlive = 10 }.ConnectionString);
        connection.Open();
        return connection;
    }

    public override DbTransaction BeginWrite(DbConnection connection, StoreLock storeLock)
    {
        var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        switch (storeLock)
        {
            case StoreLock.Shared:
                connection.Execute("SELECT pg_advisory_xact_lock_shared(@LockClass, @StateLock)", new { LockClass, StateLock }, transaction);
                break;
            case StoreLock.Exclusive:
                connection.Execute("SELECT pg_advisory_xact_lock(@LockClass, @StateLock)", new { LockClass, StateLock }, transaction);
                break;
        }

        return transaction;
    }

    public override DbTransaction BeginRead(DbConnection connection)
    {
        var transaction = connection.BeginTransaction(IsolationLevel.RepeatableRead);
        connection.Execute("SET TRANSACTION READ ONLY", transaction: transaction);
        return transaction;
    }

    public override bool IsRetryable(Exception ex) =>
        ex is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    public override string? ConstraintViolation(Exception ex) => ex is PostgresException
    {
        SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.CheckViolation or PostgresErrorCodes.NotNullViolation,
    } pg ? $"{pg.MessageText} (constraint {pg.ConstraintName})" : null;

    public override void LockL2Domain(DbConnection connection, DbTransaction transaction, string domainKey) =>
        connection.Execute("SELECT pg_advisory_xact_lock(@LockClass, @key)", new { LockClass, key = LockHash("l2/" + domainKey) }, transaction);

    public override long NextMacStep(PreparedCommands commands) =>
        commands.Int64("SELECT nextval('mac_steps') - 1")!.Value;

    /// <summary>The migrations applied, or why the database is not NetVirt's.</summary>
    public static (SortedSet<int> Applied, string? Foreign, bool Empty) ReadMigrationState(DbConnection connection, DbTransaction? transaction, string display)
    {
        var (tables, tracked) = connection.QuerySingle<(long, long)>(
            """
            SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()),
                   (SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'netvirt_migrations')
            """, transaction: transaction);
        if (tracked == 0)
        {
            return tables > 0
                ? ([], $"the PostgreSQL database {display} has {tables} tables but is not NetVirt's (no netvirt_migrations table); give NetVirt a database of its own", false)
                : ([], null, true);
        }

        return (new SortedSet<int>(connection.Query<long>("SELECT version FROM netvirt_migrations", transaction: transaction).Select(v => (int)v)), null, false);
    }

    public DbTransaction BeginMigration(DbConnection connection)
    {
        // Two servers starting on a new database at once: the second waits here, then finds the work done.
        var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        connection.Execute("SELECT pg_advisory_xact_lock(@LockClass, @MigrationLock)", new { LockClass, MigrationLock }, transaction);
        return transaction;
    }

    public void Dispose() => _source.Dispose();
}
