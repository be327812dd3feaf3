using NetVirt.Model.Errors;
using NetVirt.Reconciliation;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Reconciliation;

/// <summary>The apply lock next to a SQLite database: exclusive for applies, shared for container attachments.</summary>
public sealed class ApplyLockTests : IDisposable
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task SharedHolds_Coexist_AndEachExcludesAnApply_AsAnApplyExcludesThem()
    {
        var db = _database.Open().Database;
        using (await ApplyLock.AcquireAsync(db, null, Short, CancellationToken.None, shared: true))
        {
            using (await ApplyLock.AcquireAsync(db, null, Short, CancellationToken.None, shared: true))
            {
                var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => ApplyLock.AcquireAsync(db, null, Short, CancellationToken.None));
                Assert.Contains(".apply.lock", ex.Message, StringComparison.Ordinal);
            }

            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => ApplyLock.AcquireAsync(db, null, Short, CancellationToken.None));
        }

        using (await ApplyLock.AcquireAsync(db, null, Short, CancellationToken.None))
        {
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => ApplyLock.AcquireAsync(db, null, Short, CancellationToken.None, shared: true));
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => ApplyLock.AcquireAsync(db, null, Short, CancellationToken.None));
        }

        using var again = await ApplyLock.AcquireAsync(db, null, Short, CancellationToken.None, shared: true);
    }
}
