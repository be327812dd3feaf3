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
    /// <summary>
    /// Parses a plain IPv4 or IPv6 address: no prefix length, no IPv6 zone index (<c>%eth0</c>), none of the
    /// legacy IPv4 forms (<c>10.1</c>, <c>0x0a000001</c>) that <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> accepts.
    /// </summary>
    public static bool TryParsePlain(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.IsEmpty || text.IndexOfAny('/', '%') >= 0 || !IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }

        // IPv4 must be written as four decimal octets.
        if (parsed.AddressFamily == AddressFamily.InterNetwork && (text.Count('.') != 3 || text.ContainsAnyExcept("0123456789.")))
        {
            return false;
        }

        if (parsed.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return false;
        }

        address = parsed;
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
        return prefixLength == 0 ? UInt128.Zero : all & ~(all >> prefixLength);
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

    /// <summary>Compares two addresses of the same family numerically.</summary>
    public static int Compare(IPAddress left, IPAddress right) => ToUInt128(left).CompareTo(ToUInt128(right));

    /// <summary>Sortable 4- or 16-byte big-endian key, so SQLite's memcmp order on BLOBs is numeric order.</summary>
    public static byte[] ToKey(IPAddress address) => address.GetAddressBytes();

    /// <summary>Inverse of <see cref="ToKey"/>.</summary>
    public static IPAddress FromKey(byte[] key) => new(key);
}
