namespace NetVirt.Store;

/// <summary>
/// WAL checkpoints on a timer (see <see cref="NetVirtDatabase.CheckpointInBackground"/>). One checkpoint runs at a
/// time; disposing stops the timer, gives commits their own checkpoints back and runs a last one.
/// </summary>
public sealed class BackgroundCheckpointer : IDisposable
{
    private readonly NetVirtDatabase _database;
    private readonly Timer _timer;
    private int _running;
    private int _completed;

    internal BackgroundCheckpointer(NetVirtDatabase database, TimeSpan interval)
    {
        _database = database;
        _timer = new Timer(_ => Tick(), null, interval, interval);
    }

    /// <summary>Checkpoints the timer has run.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <inheritdoc />
    public void Dispose()
    {
        _timer.Dispose();
        _database.StopBackgroundCheckpoints();
        _database.Checkpoint();
    }

    private void Tick()
    {
        // A slow checkpoint is not overtaken by the next tick.
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            return;
        }

        try
        {
            if (_database.Checkpoint())
            {
                Interlocked.Increment(ref _completed);
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
