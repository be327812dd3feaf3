using System.Buffers.Binary;

namespace NetVirt.Audit.Frames;

/// <summary>
/// The Internet checksum (RFC 1071): one's-complement sum of 16-bit big-endian words, complemented. Used by the IPv4
/// header, ICMP, and (with a pseudo-header) UDP and ICMPv6.
/// </summary>
public static class InternetChecksum
{
    /// <summary>Checksum of <paramref name="data"/>, whose checksum field must be zero.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => (ushort)~Fold(Sum(data));

    /// <summary>
    /// Checksum of an upper-layer message with the IPv4 (RFC 768) or IPv6 (RFC 8200 section 8.1) pseudo-header: both
    /// add source, destination, protocol and length to the sum; the 32-bit IPv6 length sums the same as the 16-bit one
    /// for any length that fits in a packet.
    /// </summary>
    /// <param name="source">4 or 16 address bytes.</param>
    /// <param name="destination">Address bytes of the same family.</param>
    /// <param name="protocol">Upper-layer protocol (UDP 17, ICMPv6 58).</param>
    /// <param name="upperLayer">Header and data of the message, checksum field zero.</param>
    public static ushort ComputeWithPseudoHeader(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, ReadOnlySpan<byte> upperLayer) =>
        (ushort)~Fold(PseudoHeaderSum(source, destination, protocol, upperLayer.Length) + Sum(upperLayer));

    /// <summary>True when <paramref name="data"/>, checksum field included, sums to all ones.</summary>
    public static bool IsValid(ReadOnlySpan<byte> data) => Fold(Sum(data)) == 0xffff;

    /// <summary>True when the message, checksum included, sums to all ones together with its pseudo-header.</summary>
    public static bool IsValidWithPseudoHeader(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, ReadOnlySpan<byte> upperLayer) =>
        Fold(PseudoHeaderSum(source, destination, protocol, upperLayer.Length) + Sum(upperLayer)) == 0xffff;

    private static ulong PseudoHeaderSum(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, int length)
    {
        if (source.Length != destination.Length || source.Length is not (4 or 16))
        {
            throw new ArgumentException("pseudo-header addresses must both be IPv4 or both IPv6");
        }

        return Sum(source) + Sum(destination) + protocol + (uint)(length >> 16) + (uint)(length & 0xffff);
    }

    // Sums 32-bit big-endian words into 64 bits (RFC 1071 section 2(C): wider words give the same folded result),
    // then the remaining 16-bit word and a final odd byte padded with zero.
    private static ulong Sum(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        var i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        }

        if (i + 2 <= data.Length)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
            i += 2;
        }

        if (i < data.Length)
        {
            sum += (ulong)data[i] << 8;
        }

        return sum;
    }

    private static ushort Fold(ulong sum)
    {
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)sum;
    }
}
