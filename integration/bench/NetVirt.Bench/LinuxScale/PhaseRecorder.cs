using System.Diagnostics;
using NetVirt.Backends.Execution;

namespace NetVirt.Bench.LinuxScale;

/// <summary>
/// Listens to NetVirt's phase spans (<see cref="Phases"/>) while it is alive and sums their durations by name: the
/// in-process breakdown of an apply, a re-apply or a destroy. Spans that run at the same time (observation's parts,
/// the journal of one batch while the next runs) overlap, so the parts add up to more than the whole.
/// </summary>
internal sealed class PhaseRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Dictionary<string, TimeSpan> _totals = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public PhaseRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Phases.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                lock (_gate)
                {
                    _totals[activity.DisplayName] = _totals.GetValueOrDefault(activity.DisplayName) + activity.Duration;
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The durations recorded since the last call, by phase name; clears them.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Take()
    {
        lock (_gate)
        {
            var taken = new Dictionary<string, TimeSpan>(_totals, StringComparer.Ordinal);
            _totals.Clear();
            return taken;
        }
    }

    public void Dispose() => _listener.Dispose();
}
