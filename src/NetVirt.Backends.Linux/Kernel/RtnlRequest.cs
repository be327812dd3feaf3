using System.Globalization;
using System.Net;
using NetVirt.Model.Addressing;

namespace NetVirt.Backends.Linux.Kernel;

/// <summary>
/// One rtnetlink request, naming interfaces and namespaces by name: the kernel seam resolves names to indexes and
/// namespace names to descriptors when it encodes the request (<see cref="Netlink.RtnlEncoder"/>), and a fake kernel
/// interprets it directly. <see cref="Describe"/> is what the journal records as having run.
/// </summary>
internal abstract record RtnlRequest
{
    /// <summary>The request in words, e.g. <c>RTM_NEWLINK veth nv-v1a2b3c4 mtu 1500 master nv-stub0.100 peer net0 netns nv-z-web1</c>.</summary>
    public abstract IReadOnlyList<string> Describe();

    /// <inheritdoc />
    public override string ToString() => string.Join(' ', Describe());

    /// <summary>An integer in invariant culture.</summary>
    protected static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary><c>ip link add NAME [mtu M] type KIND</c> (a bridge or an ifb), down.</summary>
internal sealed record CreateLinkRequest(string Name, string Kind, int? Mtu = null) : RtnlRequest
{
    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() =>
        ["RTM_NEWLINK", Kind, Name, .. Mtu is { } mtu ? ["mtu", Text(mtu)] : Array.Empty<string>()];
}

/// <summary>
/// <c>ip link add HOST mtu M master BRIDGE type veth peer name PEER [address MAC] mtu M [netns NS]</c>: the peer is
/// created directly inside its namespace (null: beside the host end, a trunk between two bridges). Both ends start down.
/// </summary>
internal sealed record CreateVethRequest(string HostEnd, int Mtu, string Master, string Peer, MacAddress? PeerMac, string? PeerNetns) : RtnlRequest
{
    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() =>
        ["RTM_NEWLINK", "veth", HostEnd, "queues", "1", "mtu", Text(Mtu), "master", Master, "peer", Peer, .. PeerMac is { } mac ? ["address", mac.ToString()] : Array.Empty<string>(),
            .. PeerNetns is null ? Array.Empty<string>() : ["netns", PeerNetns]];
}

/// <summary><c>ip link add NAME link LOWER address MAC mtu M netns NS up type macvlan mode bridge</c> (sent in the host namespace).</summary>
internal sealed record CreateMacvlanRequest(string Name, string Lower, MacAddress Mac, int Mtu, string Netns) : RtnlRequest
{
    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() =>
        ["RTM_NEWLINK", "macvlan", Name, "link", Lower, "address", Mac.ToString(), "mtu", Text(Mtu), "netns", Netns, "up"];
}

/// <summary>
/// <c>ip link set NAME [alias A] [addrgenmode none] [master B | nomaster] [mtu M] [address MAC] [up]</c>, one request;
/// <see cref="Master"/> "" means nomaster.
/// </summary>
internal sealed record SetLinkRequest(string Name) : RtnlRequest
{
    /// <summary>The alias to write, or null to leave it.</summary>
    public string? Alias { get; init; }

    /// <summary>Turn IPv6 address generation off (no link-local address).</summary>
    public bool NoIpv6LinkLocal { get; init; }

    /// <summary>The bridge to enslave to, "" to release from its bridge, null to leave it.</summary>
    public string? Master { get; init; }

    /// <summary>MTU, or null to leave it.</summary>
    public int? Mtu { get; init; }

    /// <summary>MAC, or null to leave it.</summary>
    public MacAddress? Mac { get; init; }

    /// <summary>Set the link up.</summary>
    public bool Up { get; init; }

    /// <summary>Set the link down (it then neither sends nor receives).</summary>
    public bool Down { get; init; }

    /// <summary>Bridge port learning (the link must already be a bridge port), or null to leave it.</summary>
    public bool? BridgeLearning { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<string> Describe()
    {
        var words = new List<string> { "RTM_NEWLINK", "set", Name };
        if (Alias is not null)
        {
            words.AddRange(["alias", Alias]);
        }

        if (NoIpv6LinkLocal)
        {
            words.AddRange(["addrgenmode", "none"]);
        }

        if (Master is not null)
        {
            words.AddRange(Master.Length == 0 ? ["nomaster"] : ["master", Master]);
        }

        if (Mtu is { } mtu)
        {
            words.AddRange(["mtu", Text(mtu)]);
        }

        if (Mac is { } mac)
        {
            words.AddRange(["address", mac.ToString()]);
        }

        if (BridgeLearning is { } learning)
        {
            words.AddRange(["learning", learning ? "on" : "off"]);
        }

        if (Up)
        {
            words.Add("up");
        }

        if (Down)
        {
            words.Add("down");
        }

        return words;
    }
}

/// <summary>
/// <c>ip link add NAME mtu M master BRIDGE type vxlan id VNI local ADDR dstport PORT nolearning proxy</c>, down: no
/// learning (forwarding entries come from the model only) and the neighbour proxy on (ARP and neighbour solicitations
/// for remote VNICs are answered from the entries the model writes, so nothing floods).
/// </summary>
internal sealed record CreateVxlanRequest(string Name, int Vni, IPAddress Local, int Port, int Mtu, string Master) : RtnlRequest
{
    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() =>
        ["RTM_NEWLINK", "vxlan", Name, "id", Text(Vni), "local", Local.ToString(), "dstport", Text(Port), "nolearning", "proxy", "mtu", Text(Mtu), "master", Master];
}

/// <summary>
/// A forwarding entry on a VXLAN device: <see cref="Self"/>, the device's own entry sending frames for <see cref="Mac"/>
/// to the VTEP <see cref="Destination"/> (<c>bridge fdb replace MAC dev DEV dst ADDR self permanent</c>); else the
/// bridge's static entry for <see cref="Mac"/> on the device's port (<c>bridge fdb replace MAC dev DEV master static</c>),
/// so the bridge forwards those frames to the tunnel instead of flooding them. Adding replaces, so it is idempotent.
/// </summary>
internal sealed record FdbRequest(bool Add, string Device, MacAddress Mac, bool Self, IPAddress? Destination) : RtnlRequest
{
    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() =>
        [Add ? "RTM_NEWNEIGH" : "RTM_DELNEIGH", "bridge", Mac.ToString(), "dev", Device,
            .. Self ? (string[])[.. Destination is { } dst ? ["dst", dst.ToString()] : Array.Empty<string>(), "self"] : ["master", "static"]];
}

/// <summary>
/// A permanent neighbour entry on a VXLAN device, which its proxy answers ARP and neighbour solicitations from
/// (<c>ip neigh replace ADDR lladdr MAC dev DEV nud permanent</c>). Adding replaces.
/// </summary>
internal sealed record NeighbourRequest(bool Add, string Device, IPAddress Address, MacAddress Mac) : RtnlRequest
{
    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() =>
        [Add ? "RTM_NEWNEIGH" : "RTM_DELNEIGH", Address.ToString(), "lladdr", Mac.ToString(), "dev", Device, "permanent"];
}

/// <summary><c>ip link delete NAME</c>.</summary>
internal sealed record DeleteLinkRequest(string Name) : RtnlRequest
{
    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() => ["RTM_DELLINK", Name];
}

/// <summary><c>ip address add|del A/P dev IF</c> (IPv6 added without duplicate address detection).</summary>
internal sealed record AddressRequest(bool Add, InterfaceAddress Address, string Interface) : RtnlRequest
{
    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() => [Add ? "RTM_NEWADDR" : "RTM_DELADDR", Address.ToString(), "dev", Interface];
}

/// <summary>What a route request does.</summary>
internal enum RouteVerb
{
    /// <summary><c>ip route add</c>.</summary>
    Add,

    /// <summary><c>ip route replace</c>.</summary>
    Replace,

    /// <summary><c>ip route del</c>.</summary>
    Delete,
}

/// <summary><c>ip route add|replace|del DEST via GW proto static</c> in the main table.</summary>
internal sealed record RouteRequest(RouteVerb Verb, IPNetwork Destination, IPAddress Gateway) : RtnlRequest
{
    /// <inheritdoc />
    public override IReadOnlyList<string> Describe() =>
        [Verb == RouteVerb.Delete ? "RTM_DELROUTE" : "RTM_NEWROUTE", .. Verb == RouteVerb.Replace ? ["replace"] : Array.Empty<string>(), Destination.ToString(), "via", Gateway.ToString()];
}
