using System.Numerics;
using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;

namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>
/// Pure parser for illumos <c>netstat -rnv</c>. Plain <c>-rn</c> omits the IPv4 mask; <c>-v</c> adds it:
/// <code>
/// IRE Table: IPv4
///   Destination             Mask           Gateway          Device  MTU  Ref Flg  Out   In/Fwd
/// -------------------- --------------- -------------------- ------ ----- --- --- -----  ------
/// default              0.0.0.0         10.0.0.1             net0    1500   1 UG       0       0
///
/// IRE Table: IPv6
///   Destination/Mask            Gateway                    If    MTU  Ref Flags  Out    In/Fwd
/// --------------------------- --------------------------- ----- ----- --- ----- ------  ------
/// fd00::/64                   fd00::5                     net0   1500   2 U          0       0
/// </code>
/// Long values overflow their columns and the device may be blank, so rows are split on whitespace and the device
/// is recognised by the token count.
/// </summary>
public static class NetstatParser
{
    /// <summary>Every route of both tables.</summary>
    public static IReadOnlyList<RouteObserved> ParseRoutes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var routes = new List<RouteObserved>();
        AddressFamily? table = null;
        var inRows = false;
        foreach (var raw in ParseableOutput.Lines(text))
        {
            var line = raw.Trim();
            if (line.StartsWith("IRE Table: IPv4", StringComparison.Ordinal) || line.StartsWith("Routing Table: IPv4", StringComparison.Ordinal))
            {
                (table, inRows) = (AddressFamily.InterNetwork, false);
            }
            else if (line.StartsWith("IRE Table: IPv6", StringComparison.Ordinal) || line.StartsWith("Routing Table: IPv6", StringComparison.Ordinal))
            {
                (table, inRows) = (AddressFamily.InterNetworkV6, false);
            }
            else if (line.StartsWith("---", StringComparison.Ordinal))
            {
                inRows = table is not null;
            }
            else if (line.Length == 0)
            {
                inRows = false;
            }
            else if (inRows)
            {
                routes.Add(table == AddressFamily.InterNetwork ? ParseV4(line) : ParseV6(line));
            }
        }

        return routes;
    }

    // Destination Mask Gateway [Device] MTU Ref Flg Out In/Fwd
    private static RouteObserved ParseV4(string line)
    {
        var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (t.Length is not (8 or 9))
        {
            throw new FormatException($"unexpected IPv4 route line '{line}'");
        }

        var mask = Address(t[1], line);
        var plen = PrefixLengthOf(mask) ?? throw new FormatException($"mask {t[1]} is not contiguous in '{line}'");
        var destination = t[0] == "default" ? IPAddress.Any : Address(t[0], line);
        var device = t.Length == 9 ? t[3] : null;
        return new RouteObserved(new IPNetwork(destination, plen), Address(t[2], line), t[^3], device);
    }

    // Destination/Mask Gateway [If] MTU Ref Flags Out In/Fwd
    private static RouteObserved ParseV6(string line)
    {
        var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (t.Length is not (7 or 8))
        {
            throw new FormatException($"unexpected IPv6 route line '{line}'");
        }

        IPNetwork destination;
        if (t[0] == "default")
        {
            destination = new IPNetwork(IPAddress.IPv6Any, 0);
        }
        else if (t[0].Contains('/', StringComparison.Ordinal))
        {
            destination = IPNetwork.TryParse(t[0], out var net) ? net : throw new FormatException($"'{t[0]}' is not a prefix in '{line}'");
        }
        else
        {
            destination = new IPNetwork(Address(t[0], line), 128);
        }

        var device = t.Length == 8 ? t[2] : null;
        return new RouteObserved(destination, Address(t[1], line), t[^3], device);
    }

    private static IPAddress Address(string text, string line)
    {
        // Link-local gateways may carry a zone index (fe80::1%net0).
        var percent = text.IndexOf('%', StringComparison.Ordinal);
        var bare = percent >= 0 ? text[..percent] : text;
        return IPAddress.TryParse(bare, out var address) ? address : throw new FormatException($"'{text}' is not an address in '{line}'");
    }

    /// <summary>The prefix length of a contiguous IPv4 mask, or null.</summary>
    private static int? PrefixLengthOf(IPAddress mask)
    {
        var value = (uint)IpAddressMath.ToUInt128(mask);
        var plen = BitOperations.PopCount(value);
        return value == (plen == 0 ? 0u : uint.MaxValue << (32 - plen)) ? plen : null;
    }
}
