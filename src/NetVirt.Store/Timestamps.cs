using System.Globalization;

namespace NetVirt.Store;

/// <summary>How the store writes a point in time: UTC, ISO 8601 with 100 ns digits, so text order is time order.</summary>
internal static class Timestamps
{
    /// <summary>
    /// <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>. The "O" format of a UTC time is exactly that and has a fast path of its
    /// own; the same custom pattern cost 4% of an allocation.
    /// </summary>
    public static string Now(TimeProvider time) => time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
