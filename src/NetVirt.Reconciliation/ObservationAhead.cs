using NetVirt.Backends.Execution;
using NetVirt.Model.Spec;
using NetVirt.Planning.Resources;

namespace NetVirt.Reconciliation;

/// <summary>
/// The apply lock, taken early, a reading of the host begun under it and a render of the stored state
/// (<see cref="Reconciler.TryObserveAheadAsync"/>). They are used by at most one plan. Disposing it releases the lock
/// at once: a plan that used them has waited for them, and one never used changes nothing (an invalid document on a
/// 10,000-zone host is reported without waiting seconds for a reading nobody needs).
/// </summary>
public sealed class ObservationAhead : IDisposable
{
    private readonly ApplyLock _held;
    private readonly Task<HostState> _reading;
    private readonly Task<RenderedAhead?> _rendering;
    private int _taken;

    internal ObservationAhead(ApplyLock held, Task<HostState> reading, Task<RenderedAhead?> rendering)
    {
        _held = held;
        _reading = reading;
        _rendering = rendering;
    }

    /// <summary>The reading and the render, once: a second plan under the same lock reads and renders again.</summary>
    internal (Task<HostState>? Reading, Task<RenderedAhead?>? Rendering) Take() =>
        Interlocked.Exchange(ref _taken, 1) == 0 ? (_reading, _rendering) : default;

    /// <inheritdoc />
    public void Dispose()
    {
        // A failure of either was reported to the plan that used it; unused, it only has to be observed.
        BestEffort.ObserveFaults(_reading);
        BestEffort.ObserveFaults(_rendering);
        _held.Dispose();
    }
}

/// <summary>The stored state at <paramref name="Generation"/> and its render, made ahead of the plan.</summary>
internal sealed record RenderedAhead(long Generation, NetworkModel Resolved, RenderResult Rendered);

/// <summary>Work that only saves time: its failure is met again, and reported, by the way that does not take it.</summary>
internal static class BestEffort
{
    /// <summary>The task's result once it ends, or null when it failed.</summary>
    public static async Task<T?> OrNullAsync<T>(Task<T?> task)
        where T : class
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

    /// <summary>Marks a failure of <paramref name="task"/> as seen, without waiting for it.</summary>
    public static void ObserveFaults(Task task) =>
        _ = task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
