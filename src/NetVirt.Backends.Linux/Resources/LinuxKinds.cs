using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Resources;

/// <summary>
/// The host objects of the Linux backend, in Linux words, with ranks chosen so that independent objects meet in one
/// batch: namespaces, bridges and the nftables table with every VNIC's protection (10) → veth pairs, router legs,
/// macvlans and router forwarding (20) → addresses and tc shaping (30) → routes (40). Deletions run in reverse;
/// what lives inside a namespace goes with it.
/// </summary>
public static class LinuxKinds
{
    /// <summary>
    /// A network interface: foreign (a physical link a macvlan sits on: required, never touched) or, when its name
    /// carries the ownership mark but it is none of the kinds below, an owned stray that is removed.
    /// </summary>
    public static readonly ResourceKind Link = ResourceKind.Create("link", 0, []);

    /// <summary>A network namespace: a zone (<c>nv-z-web1</c>) or a tenant router (<c>nv-r-acme</c>).</summary>
    public static readonly ResourceKind Netns = ResourceKind.Create("netns", 10, []);

    /// <summary>A Linux bridge, one per (etherstub, VLAN id).</summary>
    public static readonly ResourceKind Bridge = ResourceKind.Create("bridge", 10, [LinuxProperties.State]);

    /// <summary>The nftables bridge-family table with the anti-spoofing sets and rules; its rules change in place.</summary>
    public static readonly ResourceKind NftTable = ResourceKind.Create("nft-table", 10, [LinuxProperties.Rules]);

    /// <summary>
    /// One VNIC's protection: its elements in the table's sets (the port, its MAC, its allowed sources). Set before
    /// the veth exists, so no frame leaves a new VNIC unfiltered; goes with the table.
    /// </summary>
    public static readonly ResourceKind Protection = ResourceKind.Create(
        "protection", 10, [LinuxProperties.Flags, LinuxProperties.Mac, LinuxProperties.DhcpChaddr, LinuxProperties.AllowedIps], deletedWithParent: true);

    /// <summary>IP forwarding in a router namespace (never on the host).</summary>
    public static readonly ResourceKind Forwarding = ResourceKind.Create("forwarding", 20, [LinuxProperties.Ipv4, LinuxProperties.Ipv6], deletedWithParent: true);

    /// <summary>
    /// A zone VNIC over an etherstub: a veth pair, the zone end named like the VNIC inside the zone's namespace, the
    /// host end on the bridge. MAC, MTU, bridge (= VLAN) and state change in place.
    /// </summary>
    public static readonly ResourceKind Veth = ResourceKind.Create(
        "veth", 20, [LinuxProperties.Bridge, LinuxProperties.Mac, LinuxProperties.Mtu, LinuxProperties.State], deletedWithParent: true);

    /// <summary>A tenant router's leg into one bridge: a veth pair with the gateway addresses on its router end.</summary>
    public static readonly ResourceKind Leg = ResourceKind.Create("leg", 20, [LinuxProperties.Bridge, LinuxProperties.Mtu, LinuxProperties.State], deletedWithParent: true);

    /// <summary>A zone VNIC over a physical link: a bridge-mode macvlan created inside the zone's namespace.</summary>
    public static readonly ResourceKind Macvlan = ResourceKind.Create(
        "macvlan", 20, [LinuxProperties.Mac, LinuxProperties.Mtu, LinuxProperties.State], deletedWithParent: true);

    /// <summary>An address on an interface inside a namespace (IPv6 without duplicate address detection).</summary>
    public static readonly ResourceKind Address = ResourceKind.Create("address", 30, [], deletedWithParent: true);

    /// <summary>
    /// A VNIC's <c>maxbw</c>: tbf on the host end (towards the zone) and, for traffic from the zone, an ingress
    /// redirect to the VNIC's ifb device with its own tbf. Rates change in place.
    /// </summary>
    public static readonly ResourceKind Shaping = ResourceKind.Create("shaping", 30, [LinuxProperties.Egress, LinuxProperties.Ingress]);

    /// <summary>A route inside a namespace (<c>proto static</c>); its gateway changes in place.</summary>
    public static readonly ResourceKind Route = ResourceKind.Create("route", 40, [LinuxProperties.Via], deletedWithParent: true);

    /// <summary>Every kind, by rank.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } = [Link, Netns, Bridge, NftTable, Protection, Forwarding, Veth, Leg, Macvlan, Address, Shaping, Route];
}
