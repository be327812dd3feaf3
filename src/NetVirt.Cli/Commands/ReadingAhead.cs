namespace NetVirt.Cli.Commands;

/// <summary>
/// <c>apply -f</c>'s early start on the host (<see cref="Services.INetVirtService.ObserveAheadAsync"/>), begun on a pool
/// thread while the documents are read and validated, and released when the command ends.
/// </summary>
internal sealed class ReadingAhead(Task<IDisposable?>? starting) : IAsyncDisposable
{
    private IDisposable? _anticipated;

    /// <summary>Waits until the lock is held and the reading has begun (or it gave up): call before the service is used again.</summary>
    public Task ReadyAsync() => starting ?? Task.CompletedTask;

    /// <summary>Keeps the backend's work begun ahead of the plan (<see cref="Services.INetVirtService.AnticipateAsync"/>) until the command ends.</summary>
    public void Keep(IDisposable? anticipated) => _anticipated = anticipated;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _anticipated?.Dispose();
        if (starting is not null && await starting.ConfigureAwait(false) is { } ahead)
        {
            ahead.Dispose();
        }
    }
}
