namespace NetVirt.Audit.Probes;

/// <summary>What a probe frame is and what it tests. <see cref="ProbeKinds"/> has names, categories and families.</summary>
public enum ProbeKind : byte
{
    /// <summary>ARP who-has to ff:ff:ff:ff:ff:ff (gratuitous form): reaches exactly the source's L2 domain.</summary>
    ArpBroadcast,

    /// <summary>ARP who-has to the peer's MAC.</summary>
    ArpUnicast,

    /// <summary>ICMPv4 echo request to the peer's IPv4 address.</summary>
    Icmpv4Echo,

    /// <summary>UDP over IPv4 to the peer's address.</summary>
    Udpv4,

    /// <summary>IPv6 neighbour solicitation for the peer's address, to its solicited-node multicast group.</summary>
    NeighborSolicitation,

    /// <summary>ICMPv6 echo request to the peer's IPv6 address.</summary>
    Icmpv6Echo,

    /// <summary>UDP over IPv6 to the peer's address.</summary>
    Udpv6,

    /// <summary>A broadcast ARP frame whose Ethernet source and ARP sender MAC are forged (mac-nospoof must drop it).</summary>
    SpoofSourceMac,

    /// <summary>A broadcast IPv4 packet from a forged source address (ip-nospoof must drop it).</summary>
    SpoofSourceIpv4,

    /// <summary>An all-nodes IPv6 packet from a forged source address (ip-nospoof must drop it).</summary>
    SpoofSourceIpv6,

    /// <summary>A gratuitous ARP claiming a forged sender IP (ip-nospoof must drop it).</summary>
    SpoofArpSender,

    /// <summary>A DHCPOFFER from the zone, UDP 67 to 68 (dhcp-nospoof must drop it).</summary>
    RogueDhcpServer,

    /// <summary>A frame from an address configured in the zone but outside its allowed sources (ip-nospoof must drop it).</summary>
    SpoofConfiguredAddress,

    /// <summary>A broadcast frame carrying another VLAN's 802.1Q tag: must not arrive in that VLAN.</summary>
    VlanTagged,

    /// <summary>A double-tagged broadcast (own VLAN outside, another inside): must not arrive in the inner VLAN.</summary>
    VlanDoubleTagged,

    /// <summary>ARP or neighbour solicitation for a network's gateway, to learn the router's MAC; not judged.</summary>
    GatewayQuery,

    /// <summary>
    /// An ARP frame addressed to the sender's own MAC: the bridge learns where the sender is and drops the frame (it
    /// would leave by the port it came in), so later probes to that MAC are not flooded; not judged. Broadcast instead
    /// where a ring neighbour on another bridge of a tree probes the sender, so that every bridge learns it
    /// (<see cref="Topology.AuditClass.LearnedEverywhere"/>).
    /// </summary>
    Learn,
}
