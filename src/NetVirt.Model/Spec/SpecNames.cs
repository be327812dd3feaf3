using System.Net.Sockets;

namespace NetVirt.Model.Spec;

/// <summary>
/// The words documents use for enumerations, in Crossbow's spelling (<c>mac-nospoof</c>, <c>addrconf</c>, ...).
/// One table for reading and writing, so export round-trips.
/// </summary>
public static class SpecNames
{
    /// <summary>Protection flags in the order dladm prints them.</summary>
    public static readonly IReadOnlyList<(Protection Flag, string Name)> ProtectionFlags =
    [
        (Protection.MacNospoof, "mac-nospoof"),
        (Protection.Restricted, "restricted"),
        (Protection.IpNospoof, "ip-nospoof"),
        (Protection.DhcpNospoof, "dhcp-nospoof"),
    ];

    /// <summary>Address types by name.</summary>
    public static readonly IReadOnlyList<(AddressType Type, string Name)> AddressTypes =
    [
        (AddressType.Static, "static"),
        (AddressType.Dhcp, "dhcp"),
        (AddressType.Addrconf, "addrconf"),
    ];

    /// <summary>Priorities by name.</summary>
    public static readonly IReadOnlyList<(Priority Priority, string Name)> Priorities =
    [
        (Priority.Low, "low"),
        (Priority.Medium, "medium"),
        (Priority.High, "high"),
    ];

    /// <summary>The protection flags as dladm lists them, comma-separated; empty for none.</summary>
    public static string Format(Protection protection) =>
        string.Join(',', ProtectionFlags.Where(p => protection.HasFlag(p.Flag)).Select(p => p.Name));

    /// <summary>The names of the set protection flags, in dladm's order.</summary>
    public static IReadOnlyList<string> Names(Protection protection) =>
        [.. ProtectionFlags.Where(p => protection.HasFlag(p.Flag)).Select(p => p.Name)];

    /// <summary>Name of an address type.</summary>
    public static string Format(AddressType type) => AddressTypes.First(t => t.Type == type).Name;

    /// <summary>Name of a priority.</summary>
    public static string Format(Priority priority) => Priorities.First(p => p.Priority == priority).Name;

    /// <summary><c>ipv4</c> or <c>ipv6</c>.</summary>
    public static string Format(AddressFamily family) => family == AddressFamily.InterNetwork ? "ipv4" : "ipv6";

    /// <summary>Bandwidth in dladm's input syntax: the largest of G, M, K that divides it (1000-based).</summary>
    public static string FormatBandwidth(long bitsPerSecond) => bitsPerSecond switch
    {
        _ when bitsPerSecond % 1_000_000_000 == 0 => $"{bitsPerSecond / 1_000_000_000}G",
        _ when bitsPerSecond % 1_000_000 == 0 => $"{bitsPerSecond / 1_000_000}M",
        _ when bitsPerSecond % 1_000 == 0 => $"{bitsPerSecond / 1_000}K",
        _ => $"{bitsPerSecond}",
    };

    /// <summary>
    /// Parses dladm's <c>maxbw</c> syntax: an integer with an optional single unit K, M or G (1000-based); no unit
    /// means Mbps. Decimal values such as <c>1.5G</c> are accepted.
    /// </summary>
    public static bool TryParseBandwidth(string? text, out long bitsPerSecond)
    {
        bitsPerSecond = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var t = text.Trim();
        var multiplier = char.ToUpperInvariant(t[^1]) switch
        {
            'K' => 1_000m,
            'M' => 1_000_000m,
            'G' => 1_000_000_000m,
            _ => 0m,
        };
        var number = multiplier == 0 ? t : t[..^1];
        if (multiplier == 0)
        {
            multiplier = 1_000_000m;
        }

        // A number past what a long holds (99999999999999999999G) is no bandwidth; checking before multiplying keeps
        // the product inside decimal's range.
        if (!decimal.TryParse(number, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value > long.MaxValue / multiplier)
        {
            return false;
        }

        var bits = value * multiplier;
        if (bits != decimal.Truncate(bits) || bits > long.MaxValue)
        {
            return false;
        }

        bitsPerSecond = (long)bits;
        return true;
    }
}
