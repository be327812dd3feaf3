using System.Buffers.Binary;

namespace NetVirt.Audit.Frames;

/// <summary>
/// Decodes Ethernet frames: up to two VLAN tags, ARP, IPv4 (options skipped), IPv6 (hop-by-hop, routing and
/// destination options headers skipped), ICMP, ICMPv6 echo and neighbour discovery, UDP. Pure and allocation-free;
/// never throws for bad input: problems are reported in <see cref="ParsedFrame.Error"/> and checksum statuses.
/// </summary>
public static class FrameParser
{
    /// <summary>Decodes <paramref name="frame"/> (starting at the destination MAC, without FCS).</summary>
    public static ParsedFrame Parse(ReadOnlySpan<byte> frame)
    {
        var parsed = new ParsedFrame { frame = frame };
        if (frame.Length < 14)
        {
            parsed.error = FrameError.EthernetTruncated;
            return parsed;
        }

        parsed.destination = new MacAddress(frame);
        parsed.source = new MacAddress(frame[6..]);
        var offset = 12;
        var type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        while (EtherTypes.IsVlanTag(type))
        {
            if (parsed.tags.Count == VlanTagList.MaxTags)
            {
                parsed.error = FrameError.TooManyVlanTags;
                return parsed;
            }

            if (frame.Length < offset + 6)
            {
                parsed.error = FrameError.VlanTagTruncated;
                return parsed;
            }

            parsed.tags = parsed.tags.Add(VlanTag.FromControlInformation(type, BinaryPrimitives.ReadUInt16BigEndian(frame[(offset + 2)..])));
            offset += 4;
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        }

        parsed.etherType = type;
        parsed.networkOffset = offset + 2;
        parsed.networkLength = frame.Length - parsed.networkOffset;
        switch (type)
        {
            case EtherTypes.Arp:
                parsed.network = NetworkLayer.Arp;
                ParseArp(ref parsed);
                break;
            case EtherTypes.Ipv4:
                parsed.network = NetworkLayer.Ipv4;
                ParseIpv4(ref parsed);
                break;
            case EtherTypes.Ipv6:
                parsed.network = NetworkLayer.Ipv6;
                ParseIpv6(ref parsed);
                break;
            default:
                parsed.network = NetworkLayer.Other;
                SetPayload(ref parsed, parsed.networkOffset, parsed.networkLength);
                break;
        }

        return parsed;
    }

    private static void ParseArp(ref ParsedFrame parsed)
    {
        var packet = parsed.frame[parsed.networkOffset..];
        if (packet.Length < ArpPacket.Length)
        {
            parsed.error = FrameError.ArpTruncated;
            return;
        }

        parsed.arpOperation = (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        if (BinaryPrimitives.ReadUInt16BigEndian(packet) != 1
            || BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) != EtherTypes.Ipv4
            || packet[4] != MacAddress.Length
            || packet[5] != 4)
        {
            parsed.error = FrameError.ArpUnsupported;
            return;
        }

        parsed.arpDecoded = true;
        parsed.networkLength = ArpPacket.Length;
        parsed.networkLengthKnown = true;
        SetPayload(ref parsed, parsed.networkOffset + ArpPacket.Length, 0);
    }

    private static void ParseIpv4(ref ParsedFrame parsed)
    {
        var available = parsed.frame[parsed.networkOffset..];
        if (available.Length < 20)
        {
            parsed.error = FrameError.IpTruncated;
            return;
        }

        var headerLength = (available[0] & 0x0f) * 4;
        var totalLength = BinaryPrimitives.ReadUInt16BigEndian(available[2..]);
        if (available[0] >> 4 != 4 || headerLength < 20 || totalLength < headerLength)
        {
            parsed.error = FrameError.IpMalformed;
            return;
        }

        if (headerLength > available.Length || totalLength > available.Length)
        {
            parsed.error = FrameError.IpTruncated;
            return;
        }

        var packet = available[..totalLength];
        parsed.networkLength = totalLength;
        parsed.networkLengthKnown = true;
        parsed.addressLength = 4;
        parsed.trafficClass = packet[1];
        parsed.identification = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        var flagsAndOffset = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        parsed.dontFragment = (flagsAndOffset & 0x4000) != 0;
        parsed.isFragment = (flagsAndOffset & 0x2000) != 0 || (flagsAndOffset & 0x1fff) != 0;
        parsed.hopLimit = packet[8];
        parsed.protocol = packet[9];
        parsed.ipv4HeaderChecksum = InternetChecksum.IsValid(packet[..headerLength]) ? ChecksumStatus.Valid : ChecksumStatus.Invalid;
        ParseTransport(ref parsed, parsed.networkOffset + headerLength, totalLength - headerLength);
    }

    private static void ParseIpv6(ref ParsedFrame parsed)
    {
        var available = parsed.frame[parsed.networkOffset..];
        if (available.Length < Ipv6Header.Length)
        {
            parsed.error = FrameError.IpTruncated;
            return;
        }

        var first = BinaryPrimitives.ReadUInt32BigEndian(available);
        if (first >> 28 != 6)
        {
            parsed.error = FrameError.IpMalformed;
            return;
        }

        var totalLength = Ipv6Header.Length + BinaryPrimitives.ReadUInt16BigEndian(available[4..]);
        if (totalLength > available.Length)
        {
            parsed.error = FrameError.IpTruncated;
            return;
        }

        parsed.networkLength = totalLength;
        parsed.networkLengthKnown = true;
        parsed.addressLength = 16;
        parsed.trafficClass = (byte)(first >> 20);
        parsed.flowLabel = first & 0xfffff;
        parsed.hopLimit = available[7];

        // Walk the extension headers that only carry options or routing, to find the upper-layer protocol.
        var next = available[6];
        var offset = Ipv6Header.Length;
        while (next is IpProtocols.HopByHop or IpProtocols.Routing or IpProtocols.DestinationOptions or IpProtocols.Fragment)
        {
            if (totalLength - offset < 8)
            {
                parsed.error = FrameError.IpMalformed;
                return;
            }

            var extension = available[offset..totalLength];
            if (next == IpProtocols.Fragment)
            {
                parsed.isFragment = true;
                next = extension[0];
                offset += 8;
                continue;
            }

            var length = (extension[1] + 1) * 8;
            if (length > extension.Length)
            {
                parsed.error = FrameError.IpMalformed;
                return;
            }

            next = extension[0];
            offset += length;
        }

        parsed.protocol = next;
        ParseTransport(ref parsed, parsed.networkOffset + offset, totalLength - offset);
    }

    private static void ParseTransport(ref ParsedFrame parsed, int offset, int length)
    {
        SetPayload(ref parsed, offset, length);
        if (parsed.isFragment)
        {
            return;
        }

        parsed.transportOffset = offset;
        parsed.transportLength = length;
        var segment = parsed.frame.Slice(offset, length);
        switch (parsed.protocol)
        {
            case IpProtocols.Icmp when parsed.addressLength == 4:
                parsed.transport = TransportLayer.Icmpv4;
                ParseIcmp(ref parsed, segment, offset);
                break;
            case IpProtocols.Icmpv6 when parsed.addressLength == 16:
                parsed.transport = TransportLayer.Icmpv6;
                ParseIcmp(ref parsed, segment, offset);
                break;
            case IpProtocols.Udp:
                parsed.transport = TransportLayer.Udp;
                ParseUdp(ref parsed, segment, offset);
                break;
            default:
                parsed.transport = TransportLayer.Other;
                break;
        }
    }

    private static void ParseIcmp(ref ParsedFrame parsed, ReadOnlySpan<byte> icmp, int offset)
    {
        if (icmp.Length < 8)
        {
            parsed.error = FrameError.TransportTruncated;
            return;
        }

        parsed.icmpType = icmp[0];
        parsed.icmpCode = icmp[1];
        var valid = parsed.transport == TransportLayer.Icmpv4
            ? InternetChecksum.IsValid(icmp)
            : InternetChecksum.IsValidWithPseudoHeader(parsed.SourceAddress, parsed.DestinationAddress, IpProtocols.Icmpv6, icmp);
        parsed.transportChecksum = valid ? ChecksumStatus.Valid : ChecksumStatus.Invalid;
        SetPayload(ref parsed, offset + 8, icmp.Length - 8);

        var type = parsed.icmpType;
        if ((parsed.transport == TransportLayer.Icmpv4 && type is IcmpTypes.EchoRequest or IcmpTypes.EchoReply)
            || (parsed.transport == TransportLayer.Icmpv6 && type is IcmpTypes.Icmpv6EchoRequest or IcmpTypes.Icmpv6EchoReply))
        {
            parsed.isEcho = true;
            parsed.echoIdentifier = BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]);
            parsed.echoSequence = BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]);
        }
        else if (parsed.transport == TransportLayer.Icmpv6 && type is IcmpTypes.NeighborSolicitation or IcmpTypes.NeighborAdvertisement)
        {
            ParseNeighborDiscovery(ref parsed, icmp, offset);
        }
    }

    private static void ParseNeighborDiscovery(ref ParsedFrame parsed, ReadOnlySpan<byte> icmp, int offset)
    {
        if (icmp.Length < 24)
        {
            parsed.error = FrameError.TransportTruncated;
            return;
        }

        var advertisement = parsed.icmpType == IcmpTypes.NeighborAdvertisement;
        parsed.ndpFlags = advertisement ? (NeighborAdvertisementFlags)(icmp[4] & 0xe0) : NeighborAdvertisementFlags.None;
        parsed.ndpTargetOffset = offset + 8;
        SetPayload(ref parsed, offset + 24, icmp.Length - 24);

        // Options (RFC 4861 section 4.6): type, length in 8-byte units (0 is invalid), data.
        var wanted = advertisement ? (byte)2 : (byte)1;
        var options = icmp[24..];
        while (options.Length >= 2)
        {
            var optionLength = options[1] * 8;
            if (optionLength == 0 || optionLength > options.Length)
            {
                parsed.error = FrameError.TransportMalformed;
                return;
            }

            if (options[0] == wanted && optionLength >= 2 + MacAddress.Length && parsed.ndpLinkLayerAddress is null)
            {
                parsed.ndpLinkLayerAddress = new MacAddress(options[2..]);
            }

            options = options[optionLength..];
        }
    }

    private static void ParseUdp(ref ParsedFrame parsed, ReadOnlySpan<byte> segment, int offset)
    {
        if (segment.Length < 8)
        {
            parsed.error = FrameError.TransportTruncated;
            return;
        }

        parsed.sourcePort = BinaryPrimitives.ReadUInt16BigEndian(segment);
        parsed.destinationPort = BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
        var udpLength = BinaryPrimitives.ReadUInt16BigEndian(segment[4..]);
        if (udpLength < 8)
        {
            parsed.error = FrameError.TransportMalformed;
            return;
        }

        if (udpLength > segment.Length)
        {
            parsed.error = FrameError.TransportTruncated;
            return;
        }

        var datagram = segment[..udpLength];
        parsed.transportLength = udpLength;
        SetPayload(ref parsed, offset + 8, udpLength - 8);
        var checksum = BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]);
        if (checksum == 0 && parsed.addressLength == 4)
        {
            parsed.transportChecksum = ChecksumStatus.Absent;
            return;
        }

        // Over IPv6 a zero checksum is not "absent" but invalid (RFC 8200 section 8.1); the sum check says so.
        parsed.transportChecksum = InternetChecksum.IsValidWithPseudoHeader(parsed.SourceAddress, parsed.DestinationAddress, IpProtocols.Udp, datagram)
            && checksum != 0
            ? ChecksumStatus.Valid
            : ChecksumStatus.Invalid;
    }

    private static void SetPayload(ref ParsedFrame parsed, int offset, int length)
    {
        parsed.payloadOffset = offset;
        parsed.payloadLength = length;
    }

    /// <summary>
    /// Decodes a BOOTP/DHCP message from a UDP payload (<see cref="ParsedFrame.Payload"/> of a frame with
    /// <see cref="ParsedFrame.IsDhcp"/>). False when it is too short or lacks the DHCP magic cookie.
    /// </summary>
    public static bool TryParseDhcp(ReadOnlySpan<byte> udpPayload, out ParsedDhcpMessage message)
    {
        message = default;
        if (udpPayload.Length < FrameBuilder.BootpFixedLength
            || BinaryPrimitives.ReadUInt32BigEndian(udpPayload[236..]) != FrameBuilder.DhcpMagicCookie)
        {
            return false;
        }

        message = new ParsedDhcpMessage(udpPayload);
        return true;
    }
}
