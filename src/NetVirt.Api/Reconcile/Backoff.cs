namespace NetVirt.Api.Reconcile;

/// <summary>
/// Exponential backoff with jitter: the delay before attempt n+1 after n consecutive failures is
/// <c>min(max, base · 2^(n-1))</c> scaled by a random factor in [0.5, 1), so that several servers failing on the
/// same cause do not retry in lockstep ("equal jitter"). Pure: the random source is passed in.
/// </summary>
public static class Backoff
{
    /// <summary>The delay after <paramref name="failures"/> consecutive failures (at least 1).</summary>
    /// <param name="failures">Consecutive failures so far.</param>
    /// <param name="baseDelay">Delay after the first failure, before jitter.</param>
    /// <param name="maxDelay">Cap, before jitter.</param>
    /// <param name="unitRandom">A value in [0, 1).</param>
    public static TimeSpan Delay(int failures, TimeSpan baseDelay, TimeSpan maxDelay, double unitRandom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(unitRandom);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(unitRandom, 1.0);
        // 2^30 base delays exceed any sensible cap; stop doubling there so the arithmetic cannot overflow.
        var exponent = Math.Min(failures - 1, 30);
        var ticks = Math.Min(maxDelay.Ticks, baseDelay.Ticks * (double)(1L << exponent));
        return TimeSpan.FromTicks((long)(ticks * (0.5 + (unitRandom / 2))));
    }
}
