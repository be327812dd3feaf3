namespace NetVirt.Backends.Linux.Resources;

/// <summary>Names of the managed properties in the Linux backend's <see cref="Planning.Resources.PropertyBag"/>s.</summary>
public static class LinuxProperties
{
    /// <summary>Administrative state: <c>up</c> (both ends of a veth pair).</summary>
    public const string State = "state";

    /// <summary>The host end of a veth pair (or the device tc shapes); derived from the identity, so it never changes in place.</summary>
    public const string HostEnd = "host-end";

    /// <summary>A trunk's end on its leaf bridge; derived from the leaf, so it never changes in place.</summary>
    public const string LeafEnd = "leaf-end";

    /// <summary>A trunk's end on the root bridge; derived from the leaf, so it never changes in place.</summary>
    public const string RootEnd = "root-end";

    /// <summary>The root bridge of a trunk's domain: the bridge its root end is enslaved to.</summary>
    public const string Root = "root";

    /// <summary>The bridge a host end is enslaved to.</summary>
    public const string Bridge = "bridge";

    /// <summary>MAC of the zone end, 12 lowercase hex digits in colon form.</summary>
    public const string Mac = "mac";

    /// <summary>MTU (both ends of a veth pair).</summary>
    public const string Mtu = "mtu";

    /// <summary>The physical link under a macvlan.</summary>
    public const string Lower = "link";

    /// <summary>IPv4 forwarding in a router namespace (<c>1</c>).</summary>
    public const string Ipv4 = "ipv4";

    /// <summary>IPv6 forwarding in a router namespace (<c>1</c>).</summary>
    public const string Ipv6 = "ipv6";

    /// <summary>Rate towards the zone (tbf on the host end), as <c>200M</c>.</summary>
    public const string Egress = "egress";

    /// <summary>Rate from the zone (tbf on the ifb the host end's ingress redirects to), as <c>200M</c>.</summary>
    public const string Ingress = "ingress";

    /// <summary>The ifb device of a shaped VNIC.</summary>
    public const string Ifb = "ifb";

    /// <summary>The port (host end name) a protection applies to.</summary>
    public const string Port = "port";

    /// <summary>Protection flags in dladm's canonical order.</summary>
    public const string Flags = "protection";

    /// <summary>The MAC mac-nospoof allows as Ethernet and ARP sender address (empty without mac-nospoof).</summary>
    public const string AllowedMac = "allowed-mac";

    /// <summary>The MAC a DHCP client's chaddr must carry under dhcp-nospoof (empty without it).</summary>
    public const string DhcpChaddr = "dhcp-chaddr";

    /// <summary>Allowed IPv4/IPv6 source prefixes for ip-nospoof, sorted, comma-separated.</summary>
    public const string AllowedIps = "allowed-ips";

    /// <summary>The table's set declarations (name:type:flags, sorted); a change replaces the table.</summary>
    public const string Sets = "sets";

    /// <summary>The table's base chain and rules, in canonical nft syntax.</summary>
    public const string Rules = "rules";

    /// <summary>Gateway of a route.</summary>
    public const string Via = "via";

    /// <summary>
    /// The deployment id the object records (interface alias, the loopback alias of a namespace, the comment of the
    /// nftables table); rendered only when the backend has a deployment id.
    /// </summary>
    public const string Deployment = "deployment";

    /// <summary>What is mounted on a namespace's name: <c>nsfs</c> for a network namespace (else <c>none</c> or a file system type: half-made).</summary>
    public const string Mount = "mount";

    /// <summary><c>yes</c> once a namespace is set up (loopback up, no DAD) and marked: the mark is written last.</summary>
    public const string Ready = "ready";

    /// <summary>Interfaces NetVirt does not own that are enslaved to an owned bridge, sorted, comma-separated (desired: none).</summary>
    public const string ForeignPorts = "foreign-ports";

    /// <summary>Addresses a host link of NetVirt's carries in the host namespace, sorted, comma-separated (desired: none).</summary>
    public const string HostAddresses = "addresses";

    /// <summary>VXLAN network identifier of a VXLAN device.</summary>
    public const string Vni = "vni";

    /// <summary>A VXLAN device's local (underlay) address.</summary>
    public const string Local = "local";

    /// <summary>A VXLAN device's UDP destination port.</summary>
    public const string UdpPort = "dstport";

    /// <summary>A VXLAN device's own source-address learning (<c>off</c>: entries come from the model only).</summary>
    public const string Learning = "learning";

    /// <summary>A VXLAN device's ARP/neighbour-discovery proxy (<c>on</c>).</summary>
    public const string Proxy = "proxy";

    /// <summary>Learning of the bridge on a port (<c>off</c> on a VXLAN port: a remote source is never learnt).</summary>
    public const string PortLearning = "port-learning";

    /// <summary>Where a VXLAN forwarding entry sends frames: the remote host's underlay address.</summary>
    public const string Destination = "dst";

    /// <summary>The bridge's own entry for a remote MAC on the VXLAN port (<c>static</c>), so it is not flooded.</summary>
    public const string BridgeEntry = "bridge-entry";

    /// <summary>The link-layer address of a neighbour entry (not <c>mac</c>: that names an interface's own MAC).</summary>
    public const string LinkLayerAddress = "lladdr";

    /// <summary>A requirement on the underlay: the MTU it must have at least, as <c>1550 or more</c>.</summary>
    public const string UnderlayMtu = "mtu";
}
