using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace NetVirt.Audit.Frames;

/// <summary>
/// Builds complete Ethernet frames (no FCS), byte for byte as the Linux stack would send them for the same fields.
/// Every kind comes in two forms: <c>WriteX</c> writes into a caller's buffer and returns the length (no allocation),
/// <c>BuildX</c> returns a new array of exactly the right size. Each takes an optional <c>trailer</c> appended after
/// the L3 packet (the audit hides probe tags there in ARP and neighbour discovery frames) and, unless
/// <c>padToMinimum</c> is false, zero-pads the frame to <see cref="MinimumFrameLength"/> after the trailer, as a NIC
/// would. Checksums and length fields are always computed.
/// </summary>
public static partial class FrameBuilder
{
    /// <summary>Shortest Ethernet frame without FCS (ETH_ZLEN); shorter frames are padded with zeros.</summary>
    public const int MinimumFrameLength = 60;

    /// <summary>Length of the frame a builder produces for an L3 packet of <paramref name="networkLength"/> bytes.</summary>
    public static int FrameLength(EthernetHeader ethernet, int networkLength, int trailerLength, bool padToMinimum)
    {
        ArgumentNullException.ThrowIfNull(ethernet);
        var length = ethernet.Length + networkLength + trailerLength;
        return padToMinimum ? Math.Max(length, MinimumFrameLength) : length;
    }

    /// <summary>Writes a frame with an arbitrary EtherType and opaque payload (e.g. a private probe protocol).</summary>
    public static int WriteEthernet(Span<byte> destination, EthernetHeader ethernet, ushort etherType, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        var total = Reserve(destination, ethernet, payload.Length, trailer, padToMinimum);
        var offset = WriteEthernetHeader(destination, ethernet, etherType);
        payload.CopyTo(destination[offset..]);
        return Finish(destination, offset + payload.Length, trailer, total);
    }

    /// <summary>Builds a frame with an arbitrary EtherType and opaque payload.</summary>
    public static byte[] BuildEthernet(EthernetHeader ethernet, ushort etherType, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        var frame = new byte[FrameLength(ethernet, payload.Length, trailer.Length, padToMinimum)];
        WriteEthernet(frame, ethernet, etherType, payload, trailer, padToMinimum);
        return frame;
    }

    // Checks arguments and room, returns the final frame length.
    private static int Reserve(Span<byte> destination, EthernetHeader ethernet, int networkLength, ReadOnlySpan<byte> trailer, bool padToMinimum)
    {
        ArgumentNullException.ThrowIfNull(ethernet);
        foreach (var tag in ethernet.Tags)
        {
            tag.Validate();
        }

        var total = FrameLength(ethernet, networkLength, trailer.Length, padToMinimum);
        if (destination.Length < total)
        {
            throw new ArgumentException($"frame needs {total} bytes, destination has {destination.Length}", nameof(destination));
        }

        return total;
    }

    private static int WriteEthernetHeader(Span<byte> destination, EthernetHeader ethernet, ushort etherType)
    {
        ethernet.Destination.WriteTo(destination);
        ethernet.Source.WriteTo(destination[6..]);
        var offset = 12;
        foreach (var tag in ethernet.Tags)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], tag.TagProtocol);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], tag.ControlInformation);
            offset += 4;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], etherType);
        return offset + 2;
    }

    // Appends the trailer, then zero padding up to the reserved total.
    private static int Finish(Span<byte> destination, int length, ReadOnlySpan<byte> trailer, int total)
    {
        trailer.CopyTo(destination[length..]);
        destination[(length + trailer.Length)..total].Clear();
        return total;
    }

    private static int WriteIpv4Header(Span<byte> destination, Ipv4Header ip, byte protocol, int payloadLength)
    {
        var totalLength = Ipv4Header.Length + payloadLength;
        if (totalLength > ushort.MaxValue)
        {
            throw new ArgumentException($"IPv4 packet of {totalLength} bytes exceeds 65535", nameof(payloadLength));
        }

        destination[0] = 0x45; // version 4, IHL 5
        destination[1] = ip.TypeOfService;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], ip.Identification);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], ip.DontFragment ? (ushort)0x4000 : (ushort)0);
        destination[8] = ip.TimeToLive;
        destination[9] = protocol;
        destination[10] = 0;
        destination[11] = 0;
        WriteAddress(destination[12..], ip.Source, AddressFamily.InterNetwork, nameof(ip.Source));
        WriteAddress(destination[16..], ip.Destination, AddressFamily.InterNetwork, nameof(ip.Destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], InternetChecksum.Compute(destination[..Ipv4Header.Length]));
        return Ipv4Header.Length;
    }

    private static int WriteIpv6Header(Span<byte> destination, Ipv6Header ip, byte nextHeader, int payloadLength)
    {
        if (payloadLength > ushort.MaxValue)
        {
            throw new ArgumentException($"IPv6 payload of {payloadLength} bytes exceeds 65535 (jumbograms are not supported)", nameof(payloadLength));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(ip.FlowLabel, 0xfffffu, nameof(ip.FlowLabel));
        BinaryPrimitives.WriteUInt32BigEndian(destination, (6u << 28) | ((uint)ip.TrafficClass << 20) | ip.FlowLabel);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)payloadLength);
        destination[6] = nextHeader;
        destination[7] = ip.HopLimit;
        WriteAddress(destination[8..], ip.Source, AddressFamily.InterNetworkV6, nameof(ip.Source));
        WriteAddress(destination[24..], ip.Destination, AddressFamily.InterNetworkV6, nameof(ip.Destination));
        return Ipv6Header.Length;
    }

    private static void WriteAddress(Span<byte> destination, IPAddress address, AddressFamily family, string name)
    {
        ArgumentNullException.ThrowIfNull(address, name);
        if (address.AddressFamily != family)
        {
            throw new ArgumentException($"{name} '{address}' is not {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")}", name);
        }

        address.TryWriteBytes(destination, out _);
    }
}
