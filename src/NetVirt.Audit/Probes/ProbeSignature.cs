using PacketDotNet;

namespace NetVirt.Audit.Probes;

/// <summary>
/// Tells a probe from the replies it provokes. An echo reply copies the request's payload, and an ICMP error quotes
/// the datagram that caused it, so a tag alone does not prove that the probe itself arrived: the frame must also be
/// of the probe's own kind (an ARP request, an echo request, a UDP datagram to the probe port, ...). A frame that is
/// byte for byte the probe as sent (what a bridge delivers) is the probe without decoding it.
/// </summary>
public static class ProbeSignature
{
    /// <summary>True when <paramref name="frame"/> is a probe of <paramref name="kind"/> rather than a reply to one.</summary>
    /// <param name="kind">The kind of the probe whose tag the frame carries.</param>
    /// <param name="frame">The captured frame.</param>
    /// <param name="sent">The probe as it was injected.</param>
    public static bool Matches(ProbeKind kind, ReadOnlySpan<byte> frame, ReadOnlySpan<byte> sent) =>
        frame.SequenceEqual(sent) || (TryDecode(frame) is { } packet && Matches(kind, packet));

    /// <summary>
    /// True when the decoded <paramref name="packet"/> is a probe of <paramref name="kind"/>. A frame PacketDotNet
    /// cannot decode (truncated, lengths that lie) is not a probe: zones can send anything, and a malformed frame must
    /// not end the capture run.
    /// </summary>
    public static bool Matches(ProbeKind kind, Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        try
        {
            return MatchesDecoded(kind, packet);
        }
        catch (Exception ex) when (IsDecodeError(ex))
        {
            return false;
        }
    }

    /// <summary>Decodes an Ethernet frame with PacketDotNet, or returns null when it cannot be decoded.</summary>
    public static Packet? TryDecode(ReadOnlySpan<byte> frame)
    {
        try
        {
            return Decode(frame);
        }
        catch (Exception ex) when (IsDecodeError(ex))
        {
            return null;
        }
    }

    /// <summary>
    /// The exceptions PacketDotNet throws on malformed input: it decodes lazily, so they can come from any layer
    /// accessor, not only from <see cref="Decode"/>.
    /// </summary>
    public static bool IsDecodeError(Exception ex) =>
        ex is ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException or NullReferenceException or InvalidCastException;

    private static bool MatchesDecoded(ProbeKind kind, Packet packet)
    {
        return kind switch
        {
            ProbeKind.ArpBroadcast or ProbeKind.ArpUnicast or ProbeKind.SpoofArpSender or ProbeKind.GatewayQuery or ProbeKind.Learn
                or ProbeKind.VlanTagged or ProbeKind.VlanDoubleTagged
                => packet.Extract<ArpPacket>() is { } arp ? arp.Operation == ArpOperation.Request : kind == ProbeKind.GatewayQuery && IsSolicitation(packet),
            ProbeKind.SpoofSourceMac => packet.Extract<ArpPacket>()?.Operation == ArpOperation.Request || IsEchoRequest(packet),
            ProbeKind.Icmpv4Echo or ProbeKind.Icmpv6Echo or ProbeKind.SpoofSourceIpv4 or ProbeKind.SpoofSourceIpv6 or ProbeKind.SpoofConfiguredAddress
                => IsEchoRequest(packet),
            ProbeKind.Udpv4 or ProbeKind.Udpv6 => packet.Extract<UdpPacket>()?.DestinationPort == ProbePlanner.UdpPort,
            ProbeKind.NeighborSolicitation => IsSolicitation(packet),
            ProbeKind.RogueDhcpServer => packet.Extract<UdpPacket>()?.SourcePort == ProbeFrames.DhcpServerPort,
            _ => false,
        };
    }

    /// <summary>Decodes an Ethernet frame with PacketDotNet (which needs its own copy of the bytes).</summary>
    public static Packet Decode(ReadOnlySpan<byte> frame) => Packet.ParsePacket(LinkLayers.Ethernet, frame.ToArray());

    private static bool IsEchoRequest(Packet packet) =>
        packet.Extract<IcmpV4Packet>()?.TypeCode == IcmpV4TypeCode.EchoRequest || packet.Extract<IcmpV6Packet>()?.Type == IcmpV6Type.EchoRequest;

    private static bool IsSolicitation(Packet packet) => packet.Extract<IcmpV6Packet>()?.Type == IcmpV6Type.NeighborSolicitation;
}
