namespace NetVirt.Cli.Commands;

/// <summary>
/// <c>apply -f</c>'s early start on the host (<see cref="Services.INetVirtService.ObserveAheadAsync"/>), begun on a pool
/// thread while the documents are read and validated, and released when the command ends.
/// </summary>
internal sealed class ReadingAhead(Task<IDisposable?>? starting) : IAsyncDisposable
{
    /// <summary>Waits until the lock is held and the reading has begun (or it gave up): call before the service is used again.</summary>
    public Task ReadyAsync() => starting ?? Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (starting is not null && await starting.ConfigureAwait(false) is { } ahead)
        {
            ahead.Dispose();
        }
    }
}
