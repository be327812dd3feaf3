using NetVirt.Model.Errors;
using NetVirt.Store;

namespace NetVirt.Reconciliation;

/// <summary>
/// One apply at a time per host of a database, across processes. SQLite: an exclusive lock on
/// <c>&lt;db&gt;.apply.lock</c>; on Unix .NET implements <see cref="FileShare.None"/> with <c>flock(2)</c>, which the kernel
/// releases when the process dies. PostgreSQL: a session advisory lock named after the host, held on a connection of
/// its own, which the server releases when the session ends. Either way a crashed apply never leaves a stale lock.
/// A shared hold (<c>flock</c>'s <c>LOCK_SH</c>, <c>pg_try_advisory_lock_shared</c>) is for work that touches one
/// container attachment: such holds coexist, and each excludes an apply, as an apply excludes them.
/// </summary>
public sealed class ApplyLock : IDisposable
{
    private readonly IDisposable _held;

    private ApplyLock(IDisposable held) => _held = held;

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the apply lock of <paramref name="host"/> (null: the one host a
    /// database without hosts drives) in <paramref name="database"/>; <paramref name="shared"/> for a hold beside other shared ones.
    /// </summary>
    public static async Task<ApplyLock> AcquireAsync(NetVirtDatabase database, string? host, TimeSpan timeout, CancellationToken cancellationToken, bool shared = false)
    {
        ArgumentNullException.ThrowIfNull(database);
        var what = database.Path is { } path ? $"'{path}.apply.lock'" : $"the apply lock of {(host is null ? "this deployment" : $"host '{host}'")} in {database.Location}";
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                // .NET takes LOCK_EX for FileShare.None and LOCK_SH for a read-only handle that shares.
                var held = database.Path is { } file
                    ? shared
                        ? new FileStream(file + ".apply.lock", FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite)
                        : new FileStream(file + ".apply.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
                    : database.TryLockSession("apply/" + (host ?? ""), shared);
                if (held is not null)
                {
                    return new ApplyLock(held);
                }
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
            }
            catch (IOException ex)
            {
                throw Busy(what, ex);
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw Busy(what, null);
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static ConcurrencyConflictException Busy(string what, Exception? inner) =>
        new($"another apply holds {what} (another 'netvirt apply' or 'netvirt serve' is changing this host); try again when it has finished", inner);

    /// <inheritdoc />
    public void Dispose() => _held.Dispose();
}
