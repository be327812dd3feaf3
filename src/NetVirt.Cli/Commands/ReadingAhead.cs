namespace NetVirt.Cli.Commands;

/// <summary>
/// <c>apply -f</c>'s early start on the host (<see cref="Services.INetVirtService.ObserveAheadAsync"/>), begun on a pool
/// thread while the documents are read and validated. It only saves time: when it fails, the apply proceeds the usual
/// way and meets the same cause itself, so its errors are dropped here.
/// </summary>
internal sealed class ReadingAhead(Task<IDisposable?>? starting) : IAsyncDisposable
{
    /// <summary>Waits until the lock is held and the reading has begun (or it gave up): call before the service is used again.</summary>
    public async Task ReadyAsync()
    {
        if (starting is not null)
        {
            await Settle(starting).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (starting is not null && await Settle(starting).ConfigureAwait(false) is { } ahead)
        {
            ahead.Dispose();
        }
    }

    private static async Task<IDisposable?> Settle(Task<IDisposable?> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }
}
