using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;
using PriorityLevel = NetVirt.Model.Spec.Priority;
using ProtectionFlags = NetVirt.Model.Spec.Protection;

namespace NetVirt.Backends.Illumos.Resources;

/// <summary>
/// Normalised property values. Both sides go through here before they meet in the planner, because dladm reads
/// back differently from what was written: MACs without zero padding, <c>maxbw</c> in padded Mbps,
/// <c>allowed-ips</c> with <c>/32</c> and <c>/128</c> added, <c>protection</c> in its own order.
/// </summary>
public static class IllumosValues
{
    /// <summary>A MAC as 12 lowercase hex digits with zero padding; empty for dladm's <c>unknown</c> (all zeros).</summary>
    public static string Mac(MacAddress mac) => mac.IsZero ? "" : mac.ToString();

    /// <summary>Normalises a MAC as dladm prints it (<c>2:8:20:a:0:1</c>).</summary>
    public static string ParseMac(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || string.Equals(trimmed, "unknown", StringComparison.Ordinal))
        {
            return "";
        }

        return MacAddress.TryParse(trimmed, out var mac) ? Mac(mac) : throw new FormatException($"'{text}' is not a MAC address");
    }

    /// <summary>A bandwidth limit in dladm's input syntax (<c>200M</c>, <c>1200K</c>), empty for none.</summary>
    public static string MaxBandwidth(long? bitsPerSecond) => bitsPerSecond is { } bits ? SpecNames.FormatBandwidth(bits) : "";

    /// <summary>
    /// Normalises <c>maxbw</c> as <c>show-linkprop</c> prints it: Mbps, right-aligned in five columns, with three
    /// decimals for fractions (<c>"  200"</c>, <c>"    1.200"</c>). Empty and <c>--</c> mean no limit.
    /// </summary>
    public static string ParseMaxBandwidth(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed == "--")
        {
            return "";
        }

        if (!decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var mbps))
        {
            throw new FormatException($"'{text}' is not a maxbw value in Mbps");
        }

        var bits = mbps * 1_000_000m;
        return bits == decimal.Truncate(bits) ? SpecNames.FormatBandwidth((long)bits) : throw new FormatException($"'{text}' is not a whole number of bits per second");
    }

    /// <summary>The priority as dladm spells it.</summary>
    public static string Priority(PriorityLevel priority) => SpecNames.Format(priority);

    /// <summary>Normalises a read-back priority (case-insensitive input).</summary>
    public static string ParsePriority(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lower = text.Trim().ToLowerInvariant();
        return lower is "" or "--" ? "" : SpecNames.Priorities.Any(p => p.Name == lower) ? lower : throw new FormatException($"'{text}' is not a link priority");
    }

    /// <summary>Protection flags in dladm's canonical order.</summary>
    public static string Protection(ProtectionFlags protection) => SpecNames.Format(protection);

    /// <summary>Normalises a protection list given in any order and case.</summary>
    public static string ParseProtection(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var flags = ProtectionFlags.None;
        foreach (var token in SplitList(text))
        {
            var match = SpecNames.ProtectionFlags.FirstOrDefault(p => string.Equals(p.Name, token, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
            {
                throw new FormatException($"'{token}' is not a protection flag (in '{text}')");
            }

            flags |= match.Flag;
        }

        return Protection(flags);
    }

    /// <summary>Allowed source prefixes, each with its prefix length, sorted, comma-separated.</summary>
    public static string AllowedIps(IEnumerable<IPNetwork> prefixes) =>
        string.Join(',', prefixes.Select(p => p.ToString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>Normalises an <c>allowed-ips</c> list: bare addresses get /32 or /128, the list is sorted.</summary>
    public static string ParseAllowedIps(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var prefixes = new List<IPNetwork>();
        foreach (var token in SplitList(text))
        {
            if (token.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(token, out var network))
            {
                prefixes.Add(network);
            }
            else if (IPAddress.TryParse(token, out var address))
            {
                prefixes.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new FormatException($"'{token}' is not an address or prefix (in allowed-ips '{text}')");
            }
        }

        return AllowedIps(prefixes);
    }

    /// <summary>Normalises a list of words (<c>dynamic-methods</c>): lowercase, sorted, comma-separated.</summary>
    public static string ParseWordList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Join(',', SplitList(text).Select(t => t.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    /// <summary>An interface address in canonical text (<c>10.0.0.5/24</c>, compressed lowercase IPv6).</summary>
    public static string Address(InterfaceAddress address) => address.ToString();

    /// <summary>Normalises an ADDR column value; <c>?</c> (not yet obtained) and empty stay empty.</summary>
    public static string ParseAddress(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed is "" or "?")
        {
            return "";
        }

        return InterfaceAddress.TryParse(trimmed, out var address) ? Address(address) : trimmed;
    }

    /// <summary>An integer in invariant culture.</summary>
    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<string> SplitList(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(t => t != "--");
}
