using NetVirt.Planning.Resources;

namespace NetVirt.Reconciliation;

/// <summary>
/// The apply lock, taken early, and a reading of the host begun under it (<see cref="Reconciler.TryObserveAheadAsync"/>).
/// The reading is used by at most one plan. Disposing it waits for the reading to end, so that nothing still reads the
/// host, and then releases the lock.
/// </summary>
public sealed class ObservationAhead : IDisposable
{
    private readonly ApplyLock _held;
    private Task<HostState>? _reading;
    private readonly Task<HostState> _started;

    internal ObservationAhead(ApplyLock held, Task<HostState> reading)
    {
        _held = held;
        _reading = reading;
        _started = reading;
    }

    /// <summary>The reading, once: a second plan under the same lock reads the host again.</summary>
    internal Task<HostState>? TakeReading() => Interlocked.Exchange(ref _reading, null);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            _started.Wait();
        }
        catch (AggregateException)
        {
            // A failed reading was reported to the plan that used it; unused, it changes nothing.
        }
        finally
        {
            _held.Dispose();
        }
    }
}
