using System.Diagnostics;

namespace NetVirt.Audit.Runs;

/// <summary>
/// Paces probe injection by the copies the host makes of each frame, not by frames: a broadcast into a domain of 500
/// ports is 500 copies, which the kernel queues at once on the sending CPU's backlog (1,000 frames by default,
/// <c>net.core.netdev_max_backlog</c>) and silently drops beyond it. A token bucket lets at most <see cref="Burst"/>
/// copies out at once and <see cref="Rate"/> copies a second after that. When the kernel refuses a frame because a
/// buffer is full (ENOBUFS, or EAGAIN on the non-blocking socket), the rate halves and the sender waits, doubling the
/// wait up to <see cref="MaxBackoff"/>, before it retries the same frame (the rate halves once per refused frame, not
/// once per retry); after every <see cref="GrowAfter"/> frames sent without refusal the rate grows back by a quarter, up
/// to the ceiling, so one busy moment on a shared host does not slow the rest of the audit to the floor. A full buffer
/// is a reason to slow down, never to fail the audit.
/// </summary>
public sealed class InjectionPacer
{
    private readonly double ceiling;
    private readonly double floor;
    private long last = Stopwatch.GetTimestamp();
    private double credit;
    private long sinceRefusal;

    /// <summary>Creates a pacer that starts at and never exceeds <paramref name="copiesPerSecond"/>.</summary>
    public InjectionPacer(double copiesPerSecond, int burst = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copiesPerSecond, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ceiling = copiesPerSecond;
        floor = Math.Min(copiesPerSecond, 2_000);
        Rate = copiesPerSecond;
        Burst = burst;
        credit = burst;
    }

    /// <summary>Frames sent without a refusal after which the rate grows by a quarter.</summary>
    public const int GrowAfter = 1_024;

    /// <summary>The longest single wait after a refusal.</summary>
    public static TimeSpan MaxBackoff { get; } = TimeSpan.FromMilliseconds(64);

    /// <summary>Copies let out at once before the rate applies.</summary>
    public int Burst { get; }

    /// <summary>The current rate in copies a second.</summary>
    public double Rate { get; private set; }

    /// <summary>Times the kernel refused a frame.</summary>
    public long Refusals { get; private set; }

    /// <summary>Total time spent waiting after refusals.</summary>
    public TimeSpan BackedOff { get; private set; }

    /// <summary>Call before each frame with the copies the host will make of it; sleeps until the bucket holds them.</summary>
    public void BeforeSend(int copies)
    {
        var needed = Math.Min(Math.Max(1, copies), Burst);
        Refill();
        if (credit < needed)
        {
            Thread.Sleep(TimeSpan.FromSeconds((needed - credit) / Rate));
            Refill();
        }

        credit -= needed;
    }

    /// <summary>Call after a frame went out.</summary>
    public void Sent()
    {
        if (++sinceRefusal % GrowAfter == 0 && Rate < ceiling)
        {
            Rate = Math.Min(ceiling, Rate * 1.25);
        }
    }

    /// <summary>Call when the kernel refused the frame for the <paramref name="attempt"/>-th time (from 1); waits before the retry.</summary>
    public void Refused(int attempt)
    {
        Refusals++;
        sinceRefusal = 0;
        if (attempt == 1)
        {
            Rate = Math.Max(floor, Rate / 2);
        }

        var wait = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 0.5 * (1 << Math.Min(attempt, 10))));
        BackedOff += wait;
        Thread.Sleep(wait);
        last = Stopwatch.GetTimestamp();
        credit = 0;
    }

    private void Refill()
    {
        var now = Stopwatch.GetTimestamp();
        credit = Math.Min(Burst, credit + (Stopwatch.GetElapsedTime(last, now).TotalSeconds * Rate));
        last = now;
    }
}
