using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace NetVirt.Model.Addressing;

/// <summary>
/// Arithmetic on IPv4 and IPv6 addresses through <see cref="UInt128"/>, so IPAM and validation use one code path
/// for both families.
/// </summary>
public static class IpAddressMath
{
    /// <summary>What <see cref="TryParsePlain"/> accepts, for error messages.</summary>
    public const string AddressFormHint = "IPv4 as four decimal numbers 0-255 without leading zeros, such as 10.1.0.5, or IPv6 such as fd00::5";

    /// <summary>
    /// Parses a plain IPv4 or IPv6 address strictly, the one parser every input goes through (documents, the command
    /// line, URLs of the API): IPv4 only as four decimal octets without leading zeros (<c>10.100.0.10</c>; never
    /// <c>10.100.0.010</c>, which <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> reads as octal, nor
    /// <c>10.1</c> or <c>0x0a000001</c>); IPv6 in its usual text form, with an embedded IPv4 part held to the same
    /// rule; no prefix length, no zone index (<c>%eth0</c>), no brackets, no whitespace.
    /// </summary>
    public static bool TryParsePlain(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.IsEmpty || text.Length > 45)
        {
            return false;
        }

        if (!text.Contains(':'))
        {
            if (!IsDottedQuad(text))
            {
                return false;
            }
        }
        else
        {
            if (text.ContainsAnyExcept("0123456789abcdefABCDEF:."))
            {
                return false;
            }

            // An embedded IPv4 part (::ffff:10.0.0.1) is the last group and follows the IPv4 rule.
            var lastColon = text.LastIndexOf(':');
            if (text.Contains('.') && !IsDottedQuad(text[(lastColon + 1)..]))
            {
                return false;
            }
        }

        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return false;
        }

        address = parsed;
        return true;
    }

    /// <summary>Four decimal octets 0–255 separated by dots, each without a leading zero.</summary>
    private static bool IsDottedQuad(ReadOnlySpan<char> text)
    {
        var octets = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (++octets > 4 || part.Length is 0 or > 3 || part.ContainsAnyExcept("0123456789") || (part.Length > 1 && part[0] == '0')
                || int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return octets == 4;
    }

    /// <summary>
    /// Parses a prefix length strictly: decimal digits without sign or leading zero, at most the family's
    /// <paramref name="bits"/>.
    /// </summary>
    public static bool TryParsePrefixLength(ReadOnlySpan<char> text, int bits, out int prefixLength)
    {
        prefixLength = 0;
        if (text.IsEmpty || text.Length > 3 || text.ContainsAnyExcept("0123456789") || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        prefixLength = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return prefixLength <= bits;
    }

    /// <summary>
    /// Parses a CIDR prefix strictly (<c>10.1.0.0/24</c>, <c>fd00:1::/64</c>): a strict address, a strict prefix
    /// length, and no host bits. <paramref name="hostBits"/> is the address as written when only the host bits are
    /// wrong, so a caller can suggest what was meant.
    /// </summary>
    public static bool TryParsePrefix(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPNetwork? prefix, out InterfaceAddress? hostBits)
    {
        prefix = null;
        hostBits = null;
        if (!InterfaceAddress.TryParse(text, out var written))
        {
            return false;
        }

        var network = written.Network;
        if (!network.BaseAddress.Equals(written.Address))
        {
            hostBits = written;
            return false;
        }

        prefix = network;
        return true;
    }

    /// <summary>Number of bits of the address family (32 or 128).</summary>
    public static int BitsOf(AddressFamily family) => family == AddressFamily.InterNetwork ? 32 : 128;

    /// <summary>The address as an unsigned integer (IPv4 in the low 32 bits).</summary>
    public static UInt128 ToUInt128(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException($"cannot read address {address}", nameof(address));
        }

        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>The address of the given family whose integer value is <paramref name="value"/>.</summary>
    public static IPAddress FromUInt128(UInt128 value, AddressFamily family)
    {
        if (family == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, checked((uint)value));
            return new IPAddress(v4);
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v6, value);
        return new IPAddress(v6);
    }

    /// <summary>The address <paramref name="offset"/> positions after <paramref name="address"/>.</summary>
    public static IPAddress Add(IPAddress address, UInt128 offset) => FromUInt128(ToUInt128(address) + offset, address.AddressFamily);

    /// <summary>Mask with the top <paramref name="prefixLength"/> bits set, for the family.</summary>
    public static UInt128 NetworkMask(int prefixLength, AddressFamily family)
    {
        var bits = BitsOf(family);
        var all = bits == 32 ? (UInt128)uint.MaxValue : UInt128.MaxValue;
        // A shift by the full width is masked to a shift by 0 for UInt128 (128 & 127 == 0), so /128 needs its own case.
        return prefixLength <= 0 ? UInt128.Zero : prefixLength >= bits ? all : all & ~(all >> prefixLength);
    }

    /// <summary>First (network) address of the network.</summary>
    public static UInt128 First(IPNetwork network) => ToUInt128(network.BaseAddress);

    /// <summary>Last address of the network (the IPv4 broadcast address).</summary>
    public static UInt128 Last(IPNetwork network)
    {
        var family = network.BaseAddress.AddressFamily;
        var all = BitsOf(family) == 32 ? (UInt128)uint.MaxValue : UInt128.MaxValue;
        return First(network) | (all & ~NetworkMask(network.PrefixLength, family));
    }

    /// <summary>
    /// True when two prefixes of the same family share an address, computed on the numbers. Validation uses this and
    /// <see cref="Contains"/> rather than <see cref="IPNetwork.Contains"/>, which handles IPv4-mapped addresses
    /// specially: it answers true for <c>::ffff:0:0</c> in <c>fd10:100::/64</c>.
    /// </summary>
    public static bool Overlap(IPNetwork a, IPNetwork b) =>
        a.BaseAddress.AddressFamily == b.BaseAddress.AddressFamily && First(a) <= Last(b) && First(b) <= Last(a);

    /// <summary>True when <paramref name="address"/> lies in <paramref name="network"/> (same family, on the numbers; see <see cref="Overlap"/>).</summary>
    public static bool Contains(IPNetwork network, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return network.BaseAddress.AddressFamily == address.AddressFamily && ToUInt128(address) is var value && value >= First(network) && value <= Last(network);
    }

    /// <summary>Compares two addresses of the same family numerically.</summary>
    public static int Compare(IPAddress left, IPAddress right) => ToUInt128(left).CompareTo(ToUInt128(right));

    /// <summary>Sortable 4- or 16-byte big-endian key, so SQLite's memcmp order on BLOBs is numeric order.</summary>
    public static byte[] ToKey(IPAddress address) => address.GetAddressBytes();

    /// <summary>Inverse of <see cref="ToKey"/>.</summary>
    public static IPAddress FromKey(byte[] key) => new(key);
}
