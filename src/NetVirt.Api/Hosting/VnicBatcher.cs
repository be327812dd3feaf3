using System.Threading.Channels;
using NetVirt.Model.Spec;
using NetVirt.Store;

namespace NetVirt.Api.Hosting;

/// <summary>
/// Group commit for VNIC creation, the hot path of an orchestrator. Requests wait in a channel; one loop takes what
/// has gathered (up to <see cref="MaxBatch"/>) and stores it with <see cref="NetVirtStore.AddVnicsEach"/>: one write
/// transaction, a savepoint per VNIC, so each request still succeeds or fails on its own. Under load a commit then
/// carries many VNICs; alone, a request goes through at once. The loop takes its turn at the server's write gate
/// like every other write.
/// </summary>
public sealed class VnicBatcher : IAsyncDisposable
{
    /// <summary>Most VNICs stored by one transaction; bounds how long other writers wait for the gate.</summary>
    public const int MaxBatch = 64;

    private readonly ApiState _state;
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    /// <summary>Starts the loop.</summary>
    public VnicBatcher(ApiState state)
    {
        _state = state ?? throw new ArgumentNullException(nameof(state));
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Queues one VNIC for zone <paramref name="zone"/> and waits until it is stored or refused.</summary>
    public Task<VnicAddition> AddAsync(string zone, Func<IReadOnlyList<string>?, NetworkModel, VnicSpec> build, CancellationToken cancellationToken)
    {
        var pending = new Pending(zone, build, new TaskCompletionSource<VnicAddition>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(VnicBatcher), "the server is stopping");
        }

        // A client that gives up does not take its VNIC back: it may already be committed (and is then listed).
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                var (results, _) = await _state.WriteAsync(
                    store => store.AddVnicsEach([.. batch.Select(p => (p.Zone, p.Build))], _state.Target),
                    r => r.FirstOrDefault(x => x.Generation is not null) is { Generation: { } generation } ? new WriteOutcome(generation, Changed: true) : new WriteOutcome(0, Changed: false),
                    CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The transaction as a whole failed (busy store, I/O): every request of it gets that error.
                foreach (var p in batch)
                {
                    p.Done.TrySetException(ex);
                }
            }
        }
    }

    private sealed record Pending(string Zone, Func<IReadOnlyList<string>?, NetworkModel, VnicSpec> Build, TaskCompletionSource<VnicAddition> Done);
}
