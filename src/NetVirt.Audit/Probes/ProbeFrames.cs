using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using NetVirt.Model.Addressing;
using PacketDotNet;
using PacketDotNet.DhcpV4;
using PacketDotNet.Utils;

namespace NetVirt.Audit.Probes;

/// <summary>
/// The probe frames, built with PacketDotNet (headers, lengths and every checksum, pseudo-headers included). ICMP and
/// UDP probes carry the tag as their payload; ARP carries it after the L3 packet (in the Ethernet padding, so tagging
/// does not change the frame's length), a neighbour solicitation in a Nonce option (bridges that snoop MLD trim IPv6
/// multicast to the packet's length, so a trailer would not survive) and a DHCPOFFER in its private option 224.
/// Frames shorter than 60 bytes are zero-padded, as a NIC would.
/// </summary>
public static class ProbeFrames
{
    /// <summary>The smallest Ethernet frame without FCS; shorter frames are padded.</summary>
    public const int MinimumFrameLength = 60;

    /// <summary>The UDP port a DHCP server sends from.</summary>
    public const ushort DhcpServerPort = 67;

    /// <summary>The UDP port a DHCP client listens on.</summary>
    public const ushort DhcpClientPort = 68;

    /// <summary>The site-specific DHCP option (RFC 3942) that carries the tag in a DHCPOFFER probe.</summary>
    public const byte DhcpPrivateOption = 224;

    // RFC 3971 section 5.3.2; PacketDotNet names only the RFC 4861 options.
    private const byte NonceOption = 14;

    private const int BootpMinimumLength = 300;

    /// <summary>An ARP request (optionally VLAN-tagged, outermost tag first) with the tag in its padding.</summary>
    public static int Arp(Span<byte> destination, MacAddress source, MacAddress to, MacAddress senderMac, IPAddress senderIp, IPAddress targetIp, ProbeTag tag, ushort[]? vlans = null)
    {
        var arp = new ArpPacket(ArpOperation.Request, Physical(default), targetIp, Physical(senderMac), senderIp);
        Span<byte> trailer = stackalloc byte[ProbeTag.Size];
        tag.WriteTo(trailer);
        return Emit(destination, Ethernet(source, to, EthernetType.Arp, arp, vlans), trailer);
    }

    /// <summary>An ICMP echo request (IPv4 or IPv6 by the addresses) with the tag as payload.</summary>
    public static int Echo(Span<byte> destination, MacAddress source, MacAddress to, IPAddress from, IPAddress target, ProbeTag tag)
    {
        ArgumentNullException.ThrowIfNull(from);
        var message = new byte[8 + ProbeTag.Size];
        tag.WriteTo(message.AsSpan(8));
        if (from.AddressFamily == AddressFamily.InterNetwork)
        {
            var ip = Ipv4(from, target);
            var icmp = new IcmpV4Packet(new ByteArraySegment(message), ip) { TypeCode = IcmpV4TypeCode.EchoRequest, Id = ProbePlanner.EchoIdentifier, Sequence = (ushort)tag.Id };
            ip.PayloadPacket = icmp;
            var ethernet = Ethernet(source, to, EthernetType.IPv4, ip);
            icmp.UpdateIcmpChecksum();
            ip.UpdateIPChecksum();
            return Emit(destination, ethernet);
        }

        // ICMPv6 echo: PacketDotNet types the header (type, code, checksum); identifier and sequence follow it.
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4), ProbePlanner.EchoIdentifier);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), (ushort)tag.Id);
        return Icmpv6(destination, source, to, from, target, IcmpV6Type.EchoRequest, message, hopLimit: 64);
    }

    /// <summary>A UDP datagram to <see cref="ProbePlanner.UdpPort"/> with the tag as payload.</summary>
    public static int Udp(Span<byte> destination, MacAddress source, MacAddress to, IPAddress from, IPAddress target, ProbeTag tag)
    {
        ArgumentNullException.ThrowIfNull(from);
        var udp = new UdpPacket(ProbePlanner.UdpSourcePort, ProbePlanner.UdpPort) { PayloadData = tag.ToArray() };
        return Emit(destination, Datagram(source, to, from, target, udp));
    }

    /// <summary>
    /// A neighbour solicitation for <paramref name="target"/>, to its solicited-node group, with the source link-layer
    /// address option and the tag in a Nonce option; or, given <paramref name="unicast"/>, addressed to that neighbour
    /// alone (its MAC and address), as neighbour unreachability detection sends it (RFC 4861 7.3.1).
    /// </summary>
    public static int NeighborSolicitation(Span<byte> destination, MacAddress source, IPAddress from, IPAddress target, ProbeTag tag, (MacAddress Mac, IPAddress Address)? unicast = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var group = SolicitedNodeAddress(target);

        // type, code, checksum, reserved, target, source link-layer address option, nonce option (RFC 4861 4.3, 4.6.1).
        var message = new byte[4 + 4 + 16 + 8 + 16];
        target.TryWriteBytes(message.AsSpan(8), out _);
        message[24] = (byte)PacketDotNet.Ndp.OptionTypes.SourceLinkLayerAddress;
        message[25] = 1; // length in units of 8 bytes
        source.WriteBytes(message.AsSpan(26));
        message[32] = NonceOption;
        message[33] = 2;
        tag.WriteTo(message.AsSpan(34));
        return unicast is { } to
            ? Icmpv6(destination, source, to.Mac, from, to.Address, IcmpV6Type.NeighborSolicitation, message, hopLimit: 255)
            : Icmpv6(destination, source, MulticastMac(group), from, group, IcmpV6Type.NeighborSolicitation, message, hopLimit: 255);
    }

    /// <summary>An ICMP echo request to 255.255.255.255 from <paramref name="from"/>.</summary>
    public static int BroadcastEcho(Span<byte> destination, MacAddress source, IPAddress from, ProbeTag tag) =>
        Echo(destination, source, MacAddress.Broadcast, from, IPAddress.Broadcast, tag);

    /// <summary>An ICMPv6 echo request to all nodes (ff02::1) from <paramref name="from"/>.</summary>
    public static int AllNodesEcho(Span<byte> destination, MacAddress source, IPAddress from, ProbeTag tag)
    {
        var allNodes = IPAddress.Parse("ff02::1");
        return Echo(destination, source, MulticastMac(allNodes), from, allNodes, tag);
    }

    /// <summary>
    /// A broadcast DHCPOFFER from UDP 67 to 68 offering <paramref name="offered"/> to the forged client MAC, with the
    /// tag in option 224; the BOOTP message is padded to its 300-byte minimum.
    /// </summary>
    public static int DhcpOffer(Span<byte> destination, MacAddress source, IPAddress server, IPAddress offered, ProbeTag tag)
    {
        var message = new byte[BootpMinimumLength];
        var udp = new UdpPacket(DhcpServerPort, DhcpClientPort);
        var dhcp = new DhcpV4Packet(new ByteArraySegment(message), udp)
        {
            Operation = DhcpV4Operation.BootReply,
            HardwareType = DhcpV4HardwareType.Ethernet,
            HardwareLength = 6,
            TransactionId = (uint)tag.Id,
            Flags = 0x8000, // the B flag (RFC 2131 section 2); PacketDotNet 1.4.8's Broadcast setter sets bit 7 instead of 15
            YourAddress = offered,
            ServerAddress = IPAddress.Any,
            ClientAddress = IPAddress.Any,
            GatewayAddress = IPAddress.Any,
            ClientHardwareAddress = Physical(Forgeries.Mac),
            MagicNumber = 0x63825363,
        };
        DhcpV4Option[] options =
        [
            new MessageTypeOption(DhcpV4MessageType.Offer),
            new ServerIdOption(server),
            new AddressTimeOption(TimeSpan.FromHours(1)),
            new UnsupportedOption(tag.ToArray(), 0, (DhcpV4OptionType)DhcpPrivateOption, ProbeTag.Size),
        ];
        var at = 240;
        foreach (var option in options)
        {
            message[at++] = (byte)option.OptionType;
            message[at++] = (byte)option.Length;
            option.Data.CopyTo(message, at);
            at += option.Length;
        }

        message[at] = (byte)DhcpV4OptionType.End; // the rest up to 300 bytes stays zero (pad)
        udp.PayloadData = dhcp.Bytes;
        return Emit(destination, Datagram(source, MacAddress.Broadcast, server, IPAddress.Broadcast, udp));
    }

    /// <summary>
    /// Makes a built ICMP echo or UDP probe quiet: its transport checksum wrong, so the zone that receives it drops it
    /// unanswered (no echo reply, no ICMP error, no neighbour entry for the sender), while bridges, nftables and routers,
    /// which do not check transport checksums, handle it as any datagram. The wrong value is never one that verifies
    /// (0x0000 and 0xffff are the same sum) nor 0, which means "no checksum" in UDP over IPv4. Untagged frames only.
    /// </summary>
    public static void SpoilChecksum(Span<byte> frame)
    {
        var at = TransportChecksumOffset(frame);
        var sum = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[at..], (ushort)(sum ^ (sum is 0x0101 or 0xfefe ? 0x0202 : 0x0101)));
    }

    /// <summary>Puts the right transport checksum back into a frame <see cref="SpoilChecksum"/> made quiet.</summary>
    public static void RepairChecksum(Span<byte> frame)
    {
        var packet = Packet.ParsePacket(LinkLayers.Ethernet, frame.ToArray());
        ushort sum;
        if (packet.Extract<UdpPacket>() is { } udp)
        {
            udp.UpdateUdpChecksum();
            sum = udp.Checksum;
        }
        else if (packet.Extract<IcmpV4Packet>() is { } icmp)
        {
            icmp.UpdateIcmpChecksum();
            sum = icmp.Checksum;
        }
        else
        {
            var icmp6 = packet.Extract<IcmpV6Packet>();
            icmp6.UpdateIcmpChecksum();
            sum = icmp6.Checksum;
        }

        BinaryPrimitives.WriteUInt16BigEndian(frame[TransportChecksumOffset(frame)..], sum);
    }

    // Ethernet, then IPv4 (header length from IHL) or IPv6 (no extension headers: probes carry none); the checksum sits
    // 2 bytes into ICMP and ICMPv6, 6 into UDP.
    private static int TransportChecksumOffset(ReadOnlySpan<byte> frame)
    {
        const int Ethernet = 14;
        var v4 = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == (ushort)EthernetType.IPv4;
        var protocol = v4 ? frame[Ethernet + 9] : frame[Ethernet + 6];
        var transport = Ethernet + (v4 ? (frame[Ethernet] & 0x0f) * 4 : 40);
        return transport + protocol switch
        {
            (byte)PacketDotNet.ProtocolType.Udp => 6,
            (byte)PacketDotNet.ProtocolType.Icmp or (byte)PacketDotNet.ProtocolType.IcmpV6 => 2,
            _ => throw new ArgumentException($"protocol {protocol} is neither ICMP, ICMPv6 nor UDP: only echo and UDP probes are made quiet", nameof(frame)),
        };
    }

    /// <summary>The solicited-node multicast group of <paramref name="address"/> (ff02::1:ffXX:XXXX, RFC 4291).</summary>
    public static IPAddress SolicitedNodeAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = address.GetAddressBytes();
        byte[] group = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, bytes[13], bytes[14], bytes[15]];
        return new IPAddress(group);
    }

    /// <summary>The Ethernet group address of an IPv6 multicast group (33:33 + its low 32 bits, RFC 2464).</summary>
    public static MacAddress MulticastMac(IPAddress group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var bytes = group.GetAddressBytes();
        return MacAddress.FromBytes([0x33, 0x33, bytes[12], bytes[13], bytes[14], bytes[15]]);
    }

    // PacketDotNet computes the ICMPv6 checksum (with the IPv6 pseudo-header) correctly over a decoded packet, so the
    // message goes in as IPv6 payload, the frame is laid out, decoded again, and the checksum written into its bytes.
    private static int Icmpv6(Span<byte> destination, MacAddress source, MacAddress to, IPAddress from, IPAddress target, IcmpV6Type type, byte[] message, int hopLimit)
    {
        message[0] = (byte)type;
        var ip = new IPv6Packet(from, target) { HopLimit = hopLimit, NextHeader = PacketDotNet.ProtocolType.IcmpV6, PayloadData = message, PayloadLength = (ushort)message.Length };
        var bytes = Ethernet(source, to, EthernetType.IPv6, ip).Bytes;
        Packet.ParsePacket(LinkLayers.Ethernet, bytes).Extract<IcmpV6Packet>().UpdateIcmpChecksum();
        return Emit(destination, bytes);
    }

    private static EthernetPacket Datagram(MacAddress source, MacAddress to, IPAddress from, IPAddress target, UdpPacket udp)
    {
        if (from.AddressFamily == AddressFamily.InterNetwork)
        {
            var ip = Ipv4(from, target);
            ip.PayloadPacket = udp;
            var ethernet = Ethernet(source, to, EthernetType.IPv4, ip);
            udp.UpdateUdpChecksum();
            ip.UpdateIPChecksum();
            return ethernet;
        }

        var ip6 = new IPv6Packet(from, target) { HopLimit = 64 };
        ip6.PayloadPacket = udp;
        var ethernet6 = Ethernet(source, to, EthernetType.IPv6, ip6);
        udp.UpdateUdpChecksum();
        return ethernet6;
    }

    // Don't fragment, TTL 64, identification 0: what Linux puts on a small datagram of a connected socket.
    private static IPv4Packet Ipv4(IPAddress from, IPAddress target) => new(from, target) { TimeToLive = 64, FragmentFlags = 0x2 };

    private static EthernetPacket Ethernet(MacAddress source, MacAddress to, EthernetType type, Packet payload, ushort[]? vlans = null)
    {
        var ethernet = new EthernetPacket(Physical(source), Physical(to), vlans is { Length: > 0 } ? EthernetType.VLanTaggedFrame : type);
        Packet parent = ethernet;
        for (var i = 0; vlans is not null && i < vlans.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(vlans[i], (ushort)4095, nameof(vlans));
            var vlan = new Ieee8021QPacket(new ByteArraySegment(new byte[4]))
            {
                VlanIdentifier = vlans[i],
                Type = i == vlans.Length - 1 ? type : EthernetType.VLanTaggedFrame,
            };
            parent.PayloadPacket = vlan;
            parent = vlan;
        }

        parent.PayloadPacket = payload;
        _ = ethernet.BytesSegment; // lays the layers out in one buffer and fills in the length fields
        return ethernet;
    }

    private static int Emit(Span<byte> destination, EthernetPacket ethernet, ReadOnlySpan<byte> trailer = default) =>
        Emit(destination, ethernet.Bytes, trailer);

    private static int Emit(Span<byte> destination, ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> trailer = default)
    {
        var length = Math.Max(MinimumFrameLength, bytes.Length + trailer.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException($"a {length}-byte frame does not fit in {destination.Length} bytes", nameof(destination));
        }

        bytes.CopyTo(destination);
        trailer.CopyTo(destination[bytes.Length..]);
        destination[(bytes.Length + trailer.Length)..length].Clear();
        return length;
    }

    private static PhysicalAddress Physical(MacAddress mac) => new(mac.ToBytes());
}
