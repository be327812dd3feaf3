using NetVirt.Audit.Frames;

namespace NetVirt.Audit.Probes;

/// <summary>
/// Tells a probe from the replies it provokes. An echo reply copies the request's payload, and an ICMP error quotes
/// the datagram that caused it, so a tag alone does not prove that the probe itself arrived: the frame must also be
/// of the probe's own kind (an ARP request, an echo request, a UDP datagram to the probe port, ...).
/// </summary>
public static class ProbeSignature
{
    /// <summary>True when <paramref name="frame"/> is a probe of <paramref name="kind"/> rather than a reply to one.</summary>
    public static bool Matches(ProbeKind kind, in ParsedFrame frame) => kind switch
    {
        ProbeKind.ArpBroadcast or ProbeKind.ArpUnicast or ProbeKind.SpoofArpSender or ProbeKind.GatewayQuery
            or ProbeKind.VlanTagged or ProbeKind.VlanDoubleTagged
            => frame.Network == NetworkLayer.Arp ? frame.ArpOperation == ArpOperation.Request : kind == ProbeKind.GatewayQuery && IsSolicitation(frame),
        ProbeKind.SpoofSourceMac => (frame.Network == NetworkLayer.Arp && frame.ArpOperation == ArpOperation.Request) || IsEchoRequest(frame),
        ProbeKind.Icmpv4Echo or ProbeKind.Icmpv6Echo or ProbeKind.SpoofSourceIpv4 or ProbeKind.SpoofSourceIpv6 or ProbeKind.SpoofConfiguredAddress
            => IsEchoRequest(frame),
        ProbeKind.Udpv4 or ProbeKind.Udpv6 => frame.Transport == TransportLayer.Udp && frame.DestinationPort == ProbePlanner.UdpPort,
        ProbeKind.NeighborSolicitation => IsSolicitation(frame),
        ProbeKind.RogueDhcpServer => frame.Transport == TransportLayer.Udp && frame.SourcePort == Frames.DhcpOffer.ServerPort,
        _ => false,
    };

    private static bool IsEchoRequest(in ParsedFrame frame) =>
        frame.IsEcho && frame.IcmpType is IcmpTypes.EchoRequest or IcmpTypes.Icmpv6EchoRequest;

    private static bool IsSolicitation(in ParsedFrame frame) =>
        frame.Transport == TransportLayer.Icmpv6 && frame.IcmpType == IcmpTypes.NeighborSolicitation;
}
