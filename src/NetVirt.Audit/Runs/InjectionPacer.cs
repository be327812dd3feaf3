using System.Diagnostics;

namespace NetVirt.Audit.Runs;

/// <summary>
/// Paces probe injection: at most <see cref="Rate"/> frames a second, checked every few frames against the clock. When
/// the kernel refuses a frame because a buffer is full (ENOBUFS, or EAGAIN on the non-blocking socket), the rate halves
/// and the sender waits, doubling the wait up to <see cref="MaxBackoff"/>, before it retries the same frame; after a
/// long run of frames sent without refusal the rate grows back by a quarter, up to the ceiling. A full buffer is a
/// reason to slow down, never to fail the audit.
/// </summary>
public sealed class InjectionPacer
{
    private const int CheckEvery = 64;
    private const int GrowAfter = 32_768;
    private readonly double ceiling;
    private readonly double floor;
    private long windowStart = Stopwatch.GetTimestamp();
    private long sentInWindow;
    private long sinceRefusal;

    /// <summary>Creates a pacer that starts at and never exceeds <paramref name="framesPerSecond"/>.</summary>
    public InjectionPacer(double framesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerSecond, 100);
        ceiling = framesPerSecond;
        floor = Math.Min(framesPerSecond, 2_000);
        Rate = framesPerSecond;
    }

    /// <summary>The longest single wait after a refusal.</summary>
    public static TimeSpan MaxBackoff { get; } = TimeSpan.FromMilliseconds(64);

    /// <summary>The current rate in frames a second.</summary>
    public double Rate { get; private set; }

    /// <summary>Times the kernel refused a frame.</summary>
    public long Refusals { get; private set; }

    /// <summary>Total time spent waiting after refusals.</summary>
    public TimeSpan BackedOff { get; private set; }

    /// <summary>Call before each frame: sleeps when the frames sent so far are ahead of the rate.</summary>
    public void BeforeSend()
    {
        if (++sentInWindow % CheckEvery != 0)
        {
            return;
        }

        var ahead = (sentInWindow / Rate) - Stopwatch.GetElapsedTime(windowStart).TotalSeconds;
        if (ahead > 0.002)
        {
            Thread.Sleep(TimeSpan.FromSeconds(ahead));
        }
    }

    /// <summary>Call after a frame went out.</summary>
    public void Sent()
    {
        if (++sinceRefusal % GrowAfter == 0 && Rate < ceiling)
        {
            Restart(Math.Min(ceiling, Rate * 1.25));
        }
    }

    /// <summary>Call when the kernel refused the frame for the <paramref name="attempt"/>-th time (from 1); waits before the retry.</summary>
    public void Refused(int attempt)
    {
        Refusals++;
        sinceRefusal = 0;
        Restart(Math.Max(floor, Rate / 2));
        var wait = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 0.5 * (1 << Math.Min(attempt, 10))));
        BackedOff += wait;
        Thread.Sleep(wait);
    }

    private void Restart(double rate)
    {
        Rate = rate;
        windowStart = Stopwatch.GetTimestamp();
        sentInWindow = 0;
    }
}
