using NetVirt.Model.Errors;
using NetVirt.Store;

namespace NetVirt.Reconciliation;

/// <summary>
/// One apply at a time per host of a database, across processes. SQLite: an exclusive lock on
/// <c>&lt;db&gt;.apply.lock</c>; on Unix .NET implements <see cref="FileShare.None"/> with <c>flock(2)</c>, which the kernel
/// releases when the process dies. PostgreSQL: a session advisory lock named after the host, held on a connection of
/// its own, which the server releases when the session ends. Either way a crashed apply never leaves a stale lock.
/// </summary>
public sealed class ApplyLock : IDisposable
{
    private readonly IDisposable _held;

    private ApplyLock(IDisposable held) => _held = held;

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the apply lock of <paramref name="host"/> (null: the one host a
    /// database without hosts drives) in <paramref name="database"/>.
    /// </summary>
    public static async Task<ApplyLock> AcquireAsync(NetVirtDatabase database, string? host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var what = database.Path is { } path ? $"'{path}.apply.lock'" : $"the apply lock of {(host is null ? "this deployment" : $"host '{host}'")} in {database.Location}";
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var held = database.Path is { } file
                    ? new FileStream(file + ".apply.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
                    : database.TryLockSession("apply/" + (host ?? ""));
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
