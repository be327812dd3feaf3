using System.Globalization;

namespace NetVirt.Api.Views;

/// <summary>
/// Address counts for people. An IPv6 /64 holds 2^64 addresses, which as a plain number (18446744073709551614) is
/// unreadable: counts up to a billion print in full (<c>241</c>, <c>65,534</c>), larger ones as a power of two when
/// they are one give or take a few addresses (<c>2^64</c>, <c>≈2^64</c>), else in e-notation (<c>1.8e19</c>). JSON
/// keeps the exact integer (<see cref="UInt128JsonConverter"/>).
/// </summary>
public static class AddressCount
{
    /// <summary>Largest count printed in full.</summary>
    public static readonly UInt128 FullLimit = 1_000_000_000;

    /// <summary>The count for a table.</summary>
    public static string Format(UInt128 count)
    {
        if (count <= FullLimit)
        {
            return ((ulong)count).ToString("N0", CultureInfo.InvariantCulture);
        }

        // The nearest power of two, when the count is within a millionth of it (a /64 less its gateway and network).
        var bits = 127 - (int)UInt128.LeadingZeroCount(count);
        foreach (var exponent in new[] { bits, bits + 1 })
        {
            if (exponent >= 128)
            {
                continue;
            }

            var power = UInt128.One << exponent;
            var distance = power > count ? power - count : count - power;
            if (distance == 0)
            {
                return $"2^{exponent.ToString(CultureInfo.InvariantCulture)}";
            }

            if (distance <= power / 1_000_000)
            {
                return $"≈2^{exponent.ToString(CultureInfo.InvariantCulture)}";
            }
        }

        return ((double)count).ToString("0.0e0", CultureInfo.InvariantCulture);
    }
}
