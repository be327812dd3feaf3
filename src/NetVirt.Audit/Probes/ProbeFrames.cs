using System.Net;
using System.Net.Sockets;
using NetVirt.Audit.Frames;

namespace NetVirt.Audit.Probes;

/// <summary>
/// The probe frames, built with <see cref="FrameBuilder"/>. ICMP and UDP probes carry the tag as their payload; ARP
/// carries it after the L3 packet (in the Ethernet padding), a neighbour solicitation in a Nonce option and a DHCPOFFER
/// in its private option,
/// so no probe is longer than the frame it imitates needs to be.
/// </summary>
public static class ProbeFrames
{
    /// <summary>An ARP request (optionally VLAN-tagged) with the tag in its padding.</summary>
    public static int Arp(Span<byte> destination, MacAddress source, MacAddress to, MacAddress senderMac, IPAddress senderIp, IPAddress targetIp, ProbeTag tag, VlanTagList tags = default)
    {
        Span<byte> trailer = stackalloc byte[ProbeTag.Size];
        tag.WriteTo(trailer);
        return FrameBuilder.WriteArp(destination, new EthernetHeader(to, source, tags), new ArpPacket(ArpOperation.Request, senderMac, senderIp, MacAddress.Zero, targetIp), trailer);
    }

    /// <summary>An ICMP echo request (IPv4 or IPv6 by the addresses) with the tag as payload.</summary>
    public static int Echo(Span<byte> destination, MacAddress source, MacAddress to, IPAddress from, IPAddress target, ProbeTag tag)
    {
        ArgumentNullException.ThrowIfNull(from);
        Span<byte> payload = stackalloc byte[ProbeTag.Size];
        tag.WriteTo(payload);
        var echo = new IcmpEcho(ProbePlanner.EchoIdentifier, (ushort)tag.Id);
        var ethernet = new EthernetHeader(to, source);
        return from.AddressFamily == AddressFamily.InterNetwork
            ? FrameBuilder.WriteIcmpv4Echo(destination, ethernet, new Ipv4Header(from, target), echo, payload)
            : FrameBuilder.WriteIcmpv6Echo(destination, ethernet, new Ipv6Header(from, target), echo, payload);
    }

    /// <summary>A UDP datagram to <see cref="ProbePlanner.UdpPort"/> with the tag as payload.</summary>
    public static int Udp(Span<byte> destination, MacAddress source, MacAddress to, IPAddress from, IPAddress target, ProbeTag tag)
    {
        ArgumentNullException.ThrowIfNull(from);
        Span<byte> payload = stackalloc byte[ProbeTag.Size];
        tag.WriteTo(payload);
        var ethernet = new EthernetHeader(to, source);
        return from.AddressFamily == AddressFamily.InterNetwork
            ? FrameBuilder.WriteUdp(destination, ethernet, new Ipv4Header(from, target), ProbePlanner.UdpSourcePort, ProbePlanner.UdpPort, payload)
            : FrameBuilder.WriteUdp(destination, ethernet, new Ipv6Header(from, target), ProbePlanner.UdpSourcePort, ProbePlanner.UdpPort, payload);
    }

    /// <summary>
    /// A neighbour solicitation for <paramref name="target"/>, to its solicited-node group, with the tag in a Nonce
    /// option: bridges that snoop MLD trim IPv6 multicast to the packet's length, so a trailer would not survive.
    /// </summary>
    public static int NeighborSolicitation(Span<byte> destination, MacAddress source, IPAddress from, IPAddress target, ProbeTag tag)
    {
        Span<byte> nonce = stackalloc byte[ProbeTag.Size];
        tag.WriteTo(nonce);
        var group = Frames.NeighborSolicitation.SolicitedNodeAddress(target);
        return FrameBuilder.WriteNeighborSolicitation(
            destination,
            new EthernetHeader(MacAddress.ForIpv6Multicast(group), source),
            new Ipv6Header(from, group) { HopLimit = 255 },
            new NeighborSolicitation(target, source),
            nonce: nonce);
    }

    /// <summary>An ICMP echo request to 255.255.255.255 from <paramref name="from"/>.</summary>
    public static int BroadcastEcho(Span<byte> destination, MacAddress source, IPAddress from, ProbeTag tag) =>
        Echo(destination, source, MacAddress.Broadcast, from, IPAddress.Broadcast, tag);

    /// <summary>An ICMPv6 echo request to all nodes (ff02::1) from <paramref name="from"/>.</summary>
    public static int AllNodesEcho(Span<byte> destination, MacAddress source, IPAddress from, ProbeTag tag)
    {
        var allNodes = IPAddress.Parse("ff02::1");
        return Echo(destination, source, MacAddress.ForIpv6Multicast(allNodes), from, allNodes, tag);
    }

    /// <summary>A broadcast DHCPOFFER from UDP 67 with the tag in the private option.</summary>
    public static int DhcpOffer(Span<byte> destination, MacAddress source, IPAddress server, IPAddress offered, ProbeTag tag)
    {
        Span<byte> option = stackalloc byte[ProbeTag.Size];
        tag.WriteTo(option);
        var offer = new Frames.DhcpOffer((uint)tag.Id, Forgeries.Mac, offered, server) { Broadcast = true };
        return FrameBuilder.WriteDhcpOffer(destination, new EthernetHeader(MacAddress.Broadcast, source), new Ipv4Header(server, IPAddress.Broadcast), offer, option);
    }
}
