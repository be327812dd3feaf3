using System.Data.Common;

namespace NetVirt.Store.Engines;

/// <summary>
/// What differs between the engines, and nothing else: opening connections, beginning transactions, locks, which
/// errors mean "busy, try again" or "a constraint refused it", the next MAC step, and how migrations are tracked.
/// Every query of the store is written once, in SQL both engines run (see the Store README).
/// </summary>
internal abstract class Dialect
{
    /// <summary>The engine.</summary>
    public abstract StoreEngine Engine { get; }

    /// <summary>The database, for messages.</summary>
    public abstract string Display { get; }

    /// <summary>Opens a connection ready for NetVirt's queries.</summary>
    public abstract DbConnection OpenConnection();

    /// <summary>Begins a write transaction holding <paramref name="storeLock"/>.</summary>
    public abstract DbTransaction BeginWrite(DbConnection connection, StoreLock storeLock);

    /// <summary>Begins a read-only transaction on one consistent snapshot.</summary>
    public abstract DbTransaction BeginRead(DbConnection connection);

    /// <summary>True when <paramref name="ex"/> means another writer was in the way and the whole unit of work may be retried.</summary>
    public abstract bool IsRetryable(Exception ex);

    /// <summary>
    /// When <paramref name="ex"/> is a constraint refusing a write, its text (it names the table and columns or the
    /// constraint), else null.
    /// </summary>
    public abstract string? ConstraintViolation(Exception ex);

    /// <summary>
    /// Serialises allocation in one L2 domain until the transaction ends (PostgreSQL: an advisory transaction lock;
    /// SQLite: nothing, its writes are serial). <paramref name="domainKey"/> names the domain.
    /// </summary>
    public abstract void LockL2Domain(DbConnection connection, DbTransaction transaction, string domainKey);

    /// <summary>
    /// The next step of the automatic-MAC counter and advances it, never giving the same step to two writers that
    /// run at once (SQLite: <c>meta.mac_cursor</c> under the write lock; PostgreSQL: a sequence, which never waits).
    /// </summary>
    public abstract long NextMacStep(PreparedCommands commands);

    /// <summary>Stable 32-bit hash of a lock name (FNV-1a), the object part of an advisory lock key.</summary>
    public static int LockHash(string name)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return unchecked((int)hash);
    }
}
