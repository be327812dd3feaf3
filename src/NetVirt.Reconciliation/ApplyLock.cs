using NetVirt.Model.Errors;

namespace NetVirt.Reconciliation;

/// <summary>
/// One apply at a time per database, across processes: an exclusive lock on <c>&lt;db&gt;.apply.lock</c>. On Unix
/// .NET implements <see cref="FileShare.None"/> with <c>flock(2)</c>, which the kernel releases when the process
/// dies, so a crashed apply never leaves a stale lock.
/// </summary>
public sealed class ApplyLock : IDisposable
{
    private readonly FileStream _stream;

    private ApplyLock(FileStream stream) => _stream = stream;

    /// <summary>Waits up to <paramref name="timeout"/> for the lock of the database at <paramref name="databasePath"/>.</summary>
    public static async Task<ApplyLock> AcquireAsync(string databasePath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = databasePath + ".apply.lock";
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new ApplyLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new ConcurrencyConflictException($"another apply holds '{path}' (another 'netvirt apply' or 'netvirt serve' is changing this host); try again when it has finished", ex);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
