using System.Buffers.Binary;
using System.Net.Sockets;

namespace NetVirt.Audit.Frames;

public static partial class FrameBuilder
{
    private const int IcmpHeaderLength = 8;
    private const int NeighborDiscoveryLength = 24;
    private const int LinkLayerOptionLength = 8;

    /// <summary>Writes an ICMPv4 echo request or reply carrying <paramref name="payload"/>.</summary>
    public static int WriteIcmpv4Echo(Span<byte> destination, EthernetHeader ethernet, Ipv4Header ip, IcmpEcho echo, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentNullException.ThrowIfNull(echo);
        var icmpLength = IcmpHeaderLength + payload.Length;
        var total = Reserve(destination, ethernet, Ipv4Header.Length + icmpLength, trailer, padToMinimum);
        var offset = WriteEthernetHeader(destination, ethernet, EtherTypes.Ipv4);
        offset += WriteIpv4Header(destination[offset..], ip, IpProtocols.Icmp, icmpLength);
        var icmp = destination.Slice(offset, icmpLength);
        WriteEcho(icmp, echo.IsReply ? IcmpTypes.EchoReply : IcmpTypes.EchoRequest, echo, payload);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], InternetChecksum.Compute(icmp));
        return Finish(destination, offset + icmpLength, trailer, total);
    }

    /// <summary>Builds an ICMPv4 echo request or reply.</summary>
    public static byte[] BuildIcmpv4Echo(EthernetHeader ethernet, Ipv4Header ip, IcmpEcho echo, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        var frame = new byte[FrameLength(ethernet, Ipv4Header.Length + IcmpHeaderLength + payload.Length, trailer.Length, padToMinimum)];
        WriteIcmpv4Echo(frame, ethernet, ip, echo, payload, trailer, padToMinimum);
        return frame;
    }

    /// <summary>Writes an ICMPv6 echo request or reply carrying <paramref name="payload"/>.</summary>
    public static int WriteIcmpv6Echo(Span<byte> destination, EthernetHeader ethernet, Ipv6Header ip, IcmpEcho echo, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentNullException.ThrowIfNull(echo);
        var icmpLength = IcmpHeaderLength + payload.Length;
        var total = Reserve(destination, ethernet, Ipv6Header.Length + icmpLength, trailer, padToMinimum);
        var offset = WriteEthernetHeader(destination, ethernet, EtherTypes.Ipv6);
        var header = destination[offset..];
        offset += WriteIpv6Header(header, ip, IpProtocols.Icmpv6, icmpLength);
        var icmp = destination.Slice(offset, icmpLength);
        WriteEcho(icmp, echo.IsReply ? IcmpTypes.Icmpv6EchoReply : IcmpTypes.Icmpv6EchoRequest, echo, payload);
        WriteIcmpv6Checksum(header, icmp);
        return Finish(destination, offset + icmpLength, trailer, total);
    }

    /// <summary>Builds an ICMPv6 echo request or reply.</summary>
    public static byte[] BuildIcmpv6Echo(EthernetHeader ethernet, Ipv6Header ip, IcmpEcho echo, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        var frame = new byte[FrameLength(ethernet, Ipv6Header.Length + IcmpHeaderLength + payload.Length, trailer.Length, padToMinimum)];
        WriteIcmpv6Echo(frame, ethernet, ip, echo, payload, trailer, padToMinimum);
        return frame;
    }

    /// <summary>
    /// Writes a neighbour solicitation. RFC 4861 wants hop limit 255 and, for address resolution, the solicited-node
    /// group of the target as destination (<see cref="NeighborSolicitation.SolicitedNodeAddress"/>); the builder
    /// writes what <paramref name="ip"/> says so that malformed probes can be built too.
    /// </summary>
    /// <remarks>
    /// <paramref name="nonce"/>, when not empty, goes into a Nonce option (type 14, RFC 3971 section 5.3.2), padded to
    /// whole 8-byte units. Unlike a trailer it is part of the packet: a bridge snooping MLD trims IPv6 multicast frames
    /// to the IPv6 payload length, so bytes after the packet are lost on the way.
    /// </remarks>
    public static int WriteNeighborSolicitation(Span<byte> destination, EthernetHeader ethernet, Ipv6Header ip, NeighborSolicitation solicitation, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true, ReadOnlySpan<byte> nonce = default)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentNullException.ThrowIfNull(solicitation);
        return WriteNeighborDiscovery(destination, ethernet, ip, IcmpTypes.NeighborSolicitation, 0, solicitation.Target, 1, solicitation.SourceLinkLayerAddress, trailer, padToMinimum, nonce);
    }

    /// <summary>Builds a neighbour solicitation.</summary>
    public static byte[] BuildNeighborSolicitation(EthernetHeader ethernet, Ipv6Header ip, NeighborSolicitation solicitation, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        ArgumentNullException.ThrowIfNull(solicitation);
        var frame = new byte[FrameLength(ethernet, NeighborDiscoveryNetworkLength(solicitation.SourceLinkLayerAddress), trailer.Length, padToMinimum)];
        WriteNeighborSolicitation(frame, ethernet, ip, solicitation, trailer, padToMinimum);
        return frame;
    }

    /// <summary>Writes a neighbour advertisement.</summary>
    public static int WriteNeighborAdvertisement(Span<byte> destination, EthernetHeader ethernet, Ipv6Header ip, NeighborAdvertisement advertisement, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentNullException.ThrowIfNull(advertisement);
        return WriteNeighborDiscovery(destination, ethernet, ip, IcmpTypes.NeighborAdvertisement, (byte)advertisement.Flags, advertisement.Target, 2, advertisement.TargetLinkLayerAddress, trailer, padToMinimum);
    }

    /// <summary>Builds a neighbour advertisement.</summary>
    public static byte[] BuildNeighborAdvertisement(EthernetHeader ethernet, Ipv6Header ip, NeighborAdvertisement advertisement, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        ArgumentNullException.ThrowIfNull(advertisement);
        var frame = new byte[FrameLength(ethernet, NeighborDiscoveryNetworkLength(advertisement.TargetLinkLayerAddress), trailer.Length, padToMinimum)];
        WriteNeighborAdvertisement(frame, ethernet, ip, advertisement, trailer, padToMinimum);
        return frame;
    }

    private static int NeighborDiscoveryNetworkLength(MacAddress? linkLayerAddress, int nonceLength = 0) =>
        Ipv6Header.Length + NeighborDiscoveryLength + (linkLayerAddress is null ? 0 : LinkLayerOptionLength) + NonceOptionLength(nonceLength);

    // Nonce option: type, length in 8-byte units, then the nonce, zero-padded to a whole unit.
    private static int NonceOptionLength(int nonceLength) => nonceLength == 0 ? 0 : (2 + nonceLength + 7) / 8 * 8;

    private static int WriteNeighborDiscovery(
        Span<byte> destination,
        EthernetHeader ethernet,
        Ipv6Header ip,
        byte type,
        byte flags,
        System.Net.IPAddress target,
        byte optionType,
        MacAddress? linkLayerAddress,
        ReadOnlySpan<byte> trailer,
        bool padToMinimum,
        ReadOnlySpan<byte> nonce = default)
    {
        if (nonce.Length > 253)
        {
            throw new ArgumentException($"a nonce option holds at most 253 bytes, got {nonce.Length}", nameof(nonce));
        }

        var icmpLength = NeighborDiscoveryLength + (linkLayerAddress is null ? 0 : LinkLayerOptionLength) + NonceOptionLength(nonce.Length);
        var total = Reserve(destination, ethernet, Ipv6Header.Length + icmpLength, trailer, padToMinimum);
        var offset = WriteEthernetHeader(destination, ethernet, EtherTypes.Ipv6);
        var header = destination[offset..];
        offset += WriteIpv6Header(header, ip, IpProtocols.Icmpv6, icmpLength);
        var icmp = destination.Slice(offset, icmpLength);
        icmp[0] = type;
        icmp[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], (uint)flags << 24); // flags, then 29 reserved bits
        WriteAddress(icmp[8..], target, AddressFamily.InterNetworkV6, nameof(NeighborSolicitation.Target));
        if (linkLayerAddress is { } mac)
        {
            icmp[24] = optionType; // 1 source, 2 target link-layer address (RFC 4861 section 4.6.1)
            icmp[25] = 1; // length in units of 8 bytes
            mac.WriteTo(icmp[26..]);
        }

        if (!nonce.IsEmpty)
        {
            var option = icmp[(NeighborDiscoveryLength + (linkLayerAddress is null ? 0 : LinkLayerOptionLength))..];
            var optionLength = NonceOptionLength(nonce.Length);
            option[..optionLength].Clear();
            option[0] = 14; // Nonce (RFC 3971 section 5.3.2)
            option[1] = (byte)(optionLength / 8);
            nonce.CopyTo(option[2..]);
        }

        WriteIcmpv6Checksum(header, icmp);
        return Finish(destination, offset + icmpLength, trailer, total);
    }

    private static void WriteEcho(Span<byte> icmp, byte type, IcmpEcho echo, ReadOnlySpan<byte> payload)
    {
        icmp[0] = type;
        icmp[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[4..], echo.Identifier);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[6..], echo.SequenceNumber);
        payload.CopyTo(icmp[IcmpHeaderLength..]);
    }

    private static void WriteIcmpv6Checksum(ReadOnlySpan<byte> ipv6Header, Span<byte> icmp) =>
        BinaryPrimitives.WriteUInt16BigEndian(
            icmp[2..],
            InternetChecksum.ComputeWithPseudoHeader(ipv6Header.Slice(8, 16), ipv6Header.Slice(24, 16), IpProtocols.Icmpv6, icmp));
}
