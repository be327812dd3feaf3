using System.Net.Sockets;

namespace NetVirt.Audit.Probes;

/// <summary>Names, categories and address families of the probe kinds.</summary>
public static class ProbeKinds
{
    /// <summary>Kinds that test reachability between pairs, in report order.</summary>
    public static IReadOnlyList<ProbeKind> Reachability { get; } =
    [
        ProbeKind.ArpBroadcast, ProbeKind.ArpUnicast, ProbeKind.Icmpv4Echo, ProbeKind.Udpv4,
        ProbeKind.NeighborSolicitation, ProbeKind.Icmpv6Echo, ProbeKind.Udpv6,
    ];

    /// <summary>Every judged kind, in report order.</summary>
    public static IReadOnlyList<ProbeKind> Judged { get; } =
        [.. Enum.GetValues<ProbeKind>().Where(k => Category(k) != ProbeCategory.Discovery)];

    /// <summary>The category of <paramref name="kind"/>.</summary>
    public static ProbeCategory Category(ProbeKind kind) => kind switch
    {
        <= ProbeKind.Udpv6 => ProbeCategory.Reachability,
        <= ProbeKind.SpoofConfiguredAddress => ProbeCategory.Spoofing,
        <= ProbeKind.VlanDoubleTagged => ProbeCategory.VlanHopping,
        _ => ProbeCategory.Discovery,
    };

    /// <summary>The layer-3 family a reachability kind tests, or null for layer 2 (ARP).</summary>
    public static AddressFamily? Family(ProbeKind kind) => kind switch
    {
        ProbeKind.Icmpv4Echo or ProbeKind.Udpv4 => AddressFamily.InterNetwork,
        ProbeKind.NeighborSolicitation or ProbeKind.Icmpv6Echo or ProbeKind.Udpv6 => AddressFamily.InterNetworkV6,
        _ => null,
    };

    /// <summary>Stable kebab-case name used in reports: <c>arp-unicast</c>, <c>spoof-source-mac</c>.</summary>
    public static string Name(ProbeKind kind) => kind switch
    {
        ProbeKind.ArpBroadcast => "arp-broadcast",
        ProbeKind.ArpUnicast => "arp-unicast",
        ProbeKind.Icmpv4Echo => "icmpv4-echo",
        ProbeKind.Udpv4 => "udpv4",
        ProbeKind.NeighborSolicitation => "ndp-solicitation",
        ProbeKind.Icmpv6Echo => "icmpv6-echo",
        ProbeKind.Udpv6 => "udpv6",
        ProbeKind.SpoofSourceMac => "spoof-source-mac",
        ProbeKind.SpoofSourceIpv4 => "spoof-source-ipv4",
        ProbeKind.SpoofSourceIpv6 => "spoof-source-ipv6",
        ProbeKind.SpoofArpSender => "spoof-arp-sender",
        ProbeKind.RogueDhcpServer => "rogue-dhcp-server",
        ProbeKind.SpoofConfiguredAddress => "spoof-configured-address",
        ProbeKind.VlanTagged => "vlan-tagged",
        ProbeKind.VlanDoubleTagged => "vlan-double-tagged",
        ProbeKind.GatewayQuery => "gateway-query",
        _ => "learn",
    };
}
