namespace NetVirt.Audit.Frames;

/// <summary>
/// A decoded view over one Ethernet frame, produced by <see cref="FrameParser.Parse"/> without copying or allocating:
/// addresses, payload and trailer are slices of the frame. Fields of layers the frame does not have are zero, empty
/// or null. Valid only as long as the frame's memory is.
/// </summary>
public ref struct ParsedFrame
{
    internal ReadOnlySpan<byte> frame;
    internal FrameError error;
    internal MacAddress destination;
    internal MacAddress source;
    internal VlanTagList tags;
    internal ushort etherType;
    internal NetworkLayer network;
    internal int networkOffset;
    internal int networkLength;
    internal bool networkLengthKnown;
    internal ArpOperation arpOperation;
    internal bool arpDecoded;
    internal int addressLength;
    internal byte protocol;
    internal byte hopLimit;
    internal byte trafficClass;
    internal uint flowLabel;
    internal ushort identification;
    internal bool dontFragment;
    internal bool isFragment;
    internal ChecksumStatus ipv4HeaderChecksum;
    internal TransportLayer transport;
    internal int transportOffset;
    internal int transportLength;
    internal byte icmpType;
    internal byte icmpCode;
    internal bool isEcho;
    internal ushort echoIdentifier;
    internal ushort echoSequence;
    internal int ndpTargetOffset;
    internal MacAddress? ndpLinkLayerAddress;
    internal NeighborAdvertisementFlags ndpFlags;
    internal ushort sourcePort;
    internal ushort destinationPort;
    internal ChecksumStatus transportChecksum;
    internal int payloadOffset;
    internal int payloadLength;

    /// <summary>The whole frame.</summary>
    public readonly ReadOnlySpan<byte> Frame => frame;

    /// <summary>Why decoding stopped early, or <see cref="FrameError.None"/>.</summary>
    public readonly FrameError Error => error;

    /// <summary>Destination MAC.</summary>
    public readonly MacAddress Destination => destination;

    /// <summary>Source MAC.</summary>
    public readonly MacAddress Source => source;

    /// <summary>VLAN tags, outermost first.</summary>
    public readonly VlanTagList VlanTags => tags;

    /// <summary>EtherType after the VLAN tags.</summary>
    public readonly ushort EtherType => etherType;

    /// <summary>What follows the Ethernet header.</summary>
    public readonly NetworkLayer Network => network;

    /// <summary>
    /// The L3 packet: exactly the ARP packet or the IP packet as long as its header says, or everything after the
    /// header for other EtherTypes.
    /// </summary>
    public readonly ReadOnlySpan<byte> NetworkPacket => network == NetworkLayer.None ? default : frame.Slice(networkOffset, networkLength);

    /// <summary>ARP opcode.</summary>
    public readonly ArpOperation ArpOperation => arpOperation;

    /// <summary>ARP sender hardware address.</summary>
    public readonly MacAddress ArpSenderHardwareAddress => arpDecoded ? new MacAddress(frame[(networkOffset + 8)..]) : default;

    /// <summary>ARP sender IPv4 address (4 bytes).</summary>
    public readonly ReadOnlySpan<byte> ArpSenderProtocolAddress => arpDecoded ? frame.Slice(networkOffset + 14, 4) : default;

    /// <summary>ARP target hardware address.</summary>
    public readonly MacAddress ArpTargetHardwareAddress => arpDecoded ? new MacAddress(frame[(networkOffset + 18)..]) : default;

    /// <summary>ARP target IPv4 address (4 bytes).</summary>
    public readonly ReadOnlySpan<byte> ArpTargetProtocolAddress => arpDecoded ? frame.Slice(networkOffset + 24, 4) : default;

    /// <summary>IP source address: 4 bytes for IPv4, 16 for IPv6 (<c>new IPAddress(span)</c> when needed).</summary>
    public readonly ReadOnlySpan<byte> SourceAddress => addressLength == 0 ? default : frame.Slice(networkOffset + (addressLength == 4 ? 12 : 8), addressLength);

    /// <summary>IP destination address.</summary>
    public readonly ReadOnlySpan<byte> DestinationAddress => addressLength == 0 ? default : frame.Slice(networkOffset + (addressLength == 4 ? 16 : 24), addressLength);

    /// <summary>Upper-layer protocol: IPv4 protocol, or the IPv6 next header after any extension headers.</summary>
    public readonly byte Protocol => protocol;

    /// <summary>IPv4 TTL or IPv6 hop limit.</summary>
    public readonly byte HopLimit => hopLimit;

    /// <summary>IPv4 type of service or IPv6 traffic class.</summary>
    public readonly byte TrafficClass => trafficClass;

    /// <summary>IPv6 flow label.</summary>
    public readonly uint FlowLabel => flowLabel;

    /// <summary>IPv4 identification.</summary>
    public readonly ushort Identification => identification;

    /// <summary>IPv4 don't-fragment flag.</summary>
    public readonly bool DontFragment => dontFragment;

    /// <summary>True for an IPv4 or IPv6 fragment; the transport layer of fragments is not decoded.</summary>
    public readonly bool IsFragment => isFragment;

    /// <summary>IPv4 header checksum.</summary>
    public readonly ChecksumStatus Ipv4HeaderChecksum => ipv4HeaderChecksum;

    /// <summary>What the IP packet carries.</summary>
    public readonly TransportLayer Transport => transport;

    /// <summary>The ICMP message or UDP datagram (for UDP, as long as its length field says).</summary>
    public readonly ReadOnlySpan<byte> TransportSegment => transport == TransportLayer.None ? default : frame.Slice(transportOffset, transportLength);

    /// <summary>ICMP or ICMPv6 type.</summary>
    public readonly byte IcmpType => icmpType;

    /// <summary>ICMP or ICMPv6 code.</summary>
    public readonly byte IcmpCode => icmpCode;

    /// <summary>True for an echo request or reply (v4 or v6).</summary>
    public readonly bool IsEcho => isEcho;

    /// <summary>Echo identifier.</summary>
    public readonly ushort EchoIdentifier => echoIdentifier;

    /// <summary>Echo sequence number.</summary>
    public readonly ushort EchoSequenceNumber => echoSequence;

    /// <summary>Target address of a neighbour solicitation or advertisement (16 bytes).</summary>
    public readonly ReadOnlySpan<byte> NeighborTargetAddress => ndpTargetOffset == 0 ? default : frame.Slice(ndpTargetOffset, 16);

    /// <summary>Source (solicitation) or target (advertisement) link-layer address option, when present.</summary>
    public readonly MacAddress? NeighborLinkLayerAddress => ndpLinkLayerAddress;

    /// <summary>Neighbour advertisement flags.</summary>
    public readonly NeighborAdvertisementFlags NeighborAdvertisementFlags => ndpFlags;

    /// <summary>UDP source port.</summary>
    public readonly ushort SourcePort => sourcePort;

    /// <summary>UDP destination port.</summary>
    public readonly ushort DestinationPort => destinationPort;

    /// <summary>ICMP, ICMPv6 or UDP checksum.</summary>
    public readonly ChecksumStatus TransportChecksum => transportChecksum;

    /// <summary>
    /// The innermost data: echo data, UDP payload, neighbour discovery options, the bytes after the 8-byte header of
    /// other ICMP messages, or the L3 bytes of an unknown EtherType.
    /// </summary>
    public readonly ReadOnlySpan<byte> Payload => frame.Slice(payloadOffset, payloadLength);

    /// <summary>
    /// Bytes after the L3 packet: Ethernet padding and anything hidden there. Empty when the L3 length is unknown.
    /// </summary>
    public readonly ReadOnlySpan<byte> Trailer => networkLengthKnown ? frame[(networkOffset + networkLength)..] : default;

    /// <summary>True when no checksum that was verified came out wrong.</summary>
    public readonly bool ChecksumsValid => ipv4HeaderChecksum != ChecksumStatus.Invalid && transportChecksum != ChecksumStatus.Invalid;

    /// <summary>True for UDP between the DHCP ports 67 and 68 (either way round).</summary>
    public readonly bool IsDhcp => transport == TransportLayer.Udp
        && ((sourcePort == DhcpOffer.ServerPort && destinationPort == DhcpOffer.ClientPort)
            || (sourcePort == DhcpOffer.ClientPort && destinationPort == DhcpOffer.ServerPort));

    /// <summary>One-line summary for logs and test failures.</summary>
    public override readonly string ToString()
    {
        var text = $"{source} > {destination} {tags} type 0x{etherType:x4} {network}";
        if (transport != TransportLayer.None)
        {
            text += $" {transport} proto {protocol}";
        }

        return error == FrameError.None ? text : $"{text} [{error}]";
    }
}
