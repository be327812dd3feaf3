using System.Buffers.Binary;

namespace NetVirt.Audit.Frames;

public static partial class FrameBuilder
{
    private const int UdpHeaderLength = 8;

    /// <summary>Writes a UDP datagram over IPv4, checksum included.</summary>
    public static int WriteUdp(Span<byte> destination, EthernetHeader ethernet, Ipv4Header ip, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        ArgumentNullException.ThrowIfNull(ip);
        var udpLength = UdpHeaderLength + payload.Length;
        var total = Reserve(destination, ethernet, Ipv4Header.Length + udpLength, trailer, padToMinimum);
        var offset = WriteEthernetHeader(destination, ethernet, EtherTypes.Ipv4);
        var header = destination[offset..];
        offset += WriteIpv4Header(header, ip, IpProtocols.Udp, udpLength);
        WriteUdpDatagram(destination.Slice(offset, udpLength), header.Slice(12, 4), header.Slice(16, 4), sourcePort, destinationPort, payload);
        return Finish(destination, offset + udpLength, trailer, total);
    }

    /// <summary>Builds a UDP datagram over IPv4.</summary>
    public static byte[] BuildUdp(EthernetHeader ethernet, Ipv4Header ip, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        var frame = new byte[FrameLength(ethernet, Ipv4Header.Length + UdpHeaderLength + payload.Length, trailer.Length, padToMinimum)];
        WriteUdp(frame, ethernet, ip, sourcePort, destinationPort, payload, trailer, padToMinimum);
        return frame;
    }

    /// <summary>Writes a UDP datagram over IPv6, checksum included (mandatory for IPv6).</summary>
    public static int WriteUdp(Span<byte> destination, EthernetHeader ethernet, Ipv6Header ip, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        ArgumentNullException.ThrowIfNull(ip);
        var udpLength = UdpHeaderLength + payload.Length;
        var total = Reserve(destination, ethernet, Ipv6Header.Length + udpLength, trailer, padToMinimum);
        var offset = WriteEthernetHeader(destination, ethernet, EtherTypes.Ipv6);
        var header = destination[offset..];
        offset += WriteIpv6Header(header, ip, IpProtocols.Udp, udpLength);
        WriteUdpDatagram(destination.Slice(offset, udpLength), header.Slice(8, 16), header.Slice(24, 16), sourcePort, destinationPort, payload);
        return Finish(destination, offset + udpLength, trailer, total);
    }

    /// <summary>Builds a UDP datagram over IPv6.</summary>
    public static byte[] BuildUdp(EthernetHeader ethernet, Ipv6Header ip, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        var frame = new byte[FrameLength(ethernet, Ipv6Header.Length + UdpHeaderLength + payload.Length, trailer.Length, padToMinimum)];
        WriteUdp(frame, ethernet, ip, sourcePort, destinationPort, payload, trailer, padToMinimum);
        return frame;
    }

    private static void WriteUdpDatagram(Span<byte> udp, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> payload)
    {
        if (udp.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"UDP datagram of {udp.Length} bytes exceeds 65535", nameof(payload));
        }

        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udp.Length);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0);
        payload.CopyTo(udp[UdpHeaderLength..]);
        var checksum = InternetChecksum.ComputeWithPseudoHeader(source, destination, IpProtocols.Udp, udp);

        // A computed 0 is sent as all ones: 0 means "no checksum" (RFC 768).
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], checksum == 0 ? (ushort)0xffff : checksum);
    }
}
