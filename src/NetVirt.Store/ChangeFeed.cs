using Dapper;
using NetVirt.Store.Engines;
using Npgsql;

namespace NetVirt.Store;

/// <summary>
/// A doorbell for the desired state: says "the generation is now G" and nothing else; whoever hears it re-reads what it
/// needs. On PostgreSQL a listener on a dedicated connection outside the pool (LISTEN netvirt_changes; the trigger of
/// <c>meta</c> notifies at commit, never for a rolled-back write, whichever server wrote); notifications sent while that
/// connection was down are lost, so after every (re)connect the generation is read again. On SQLite, every write of this
/// process rings it, and the generation is read every second for writes of other processes. Both also re-read the
/// generation on a slow timer, so a lost bell costs a delay, never a missed change.
/// </summary>
public sealed class ChangeFeed : IDisposable
{
    private readonly NetVirtDatabase _database;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _generation;

    internal ChangeFeed(NetVirtDatabase database)
    {
        _database = database;
        _generation = ReadGeneration();
        database.Committed += Refresh;
        _loop = database.Engine == StoreEngine.PostgreSql ? Task.Run(ListenAsync) : Task.Run(PollAsync);
    }

    /// <summary>The latest generation the feed has seen.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>True while the PostgreSQL listener is connected (always true on SQLite).</summary>
    public bool Listening { get; private set; }

    /// <summary>
    /// Waits until the generation is past <paramref name="since"/> or <paramref name="timeout"/> has passed, and returns
    /// the generation then (equal to <paramref name="since"/> on a timeout without change).
    /// </summary>
    public async Task<long> WaitAsync(long since, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            var now = Generation;
            if (now != since)
            {
                return now;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Generation;
            }
        }
    }

    private void Refresh() => Set(ReadGeneration());

    private void Set(long generation)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref _generation);
            if (generation == seen)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _generation, generation, seen) != seen);

        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private long ReadGeneration() => _database.Read((c, tx) => c.ExecuteScalar<long>("SELECT generation FROM meta WHERE id = 1", transaction: tx), "read the generation");

    private async Task PollAsync()
    {
        Listening = true;
        while (!_stop.IsCancellationRequested)
        {
            await DelayAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            TryRefresh();
        }
    }

    private async Task ListenAsync()
    {
        var dialect = (PostgresDialect)_database.Dialect;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = dialect.OpenListenConnection();
                connection.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var g))
                    {
                        Set(Math.Max(g, Generation));
                    }
                };
                await connection.ExecuteAsync("LISTEN netvirt_changes").ConfigureAwait(false);
                Listening = true;
                // Whatever was committed while no one listened.
                TryRefresh();
                while (!_stop.IsCancellationRequested)
                {
                    // Wakes for a notification, or after 30 s to re-read anyway (and notice a dead connection).
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(30), _stop.Token).ConfigureAwait(false))
                    {
                        TryRefresh();
                    }
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or IOException or Model.Errors.NetVirtException or TimeoutException)
            {
                Listening = false;
                await DelayAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void TryRefresh()
    {
        try
        {
            Refresh();
        }
        catch (Exception ex) when (ex is Model.Errors.NetVirtException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // The database is unreachable right now; the next tick tries again.
        }
    }

    private async Task DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _database.Committed -= Refresh;
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }
}
