using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// The Linux backend's kinds, with ranks chosen so that independent objects meet in one batch: namespaces, bridges
/// and the nftables table with every VNIC's protection (10) → veth pairs, router legs, trunks between bridges, macvlans
/// and router forwarding (20), VXLAN devices (20) → addresses, tc shaping, forwarding and neighbour entries of VXLAN
/// devices (30) → routes (40). Deletions run in reverse; what lives inside a namespace goes
/// with it. Each kind's knowledge is its own class (<see cref="LinuxKind"/>).
/// </summary>
internal static class LinuxKinds
{
    /// <summary>A host interface no other kind explains (<see cref="LinkKind"/>).</summary>
    public static ResourceKind Link => LinkKind.Definition;

    /// <summary>A network namespace (<see cref="NetnsKind"/>).</summary>
    public static ResourceKind Netns => NetnsKind.Definition;

    /// <summary>A bridge (<see cref="BridgeKind"/>).</summary>
    public static ResourceKind Bridge => BridgeKind.Definition;

    /// <summary>The nftables table (<see cref="NftTableKind"/>).</summary>
    public static ResourceKind NftTable => NftTableKind.Definition;

    /// <summary>One VNIC's protection (<see cref="ProtectionKind"/>).</summary>
    public static ResourceKind Protection => ProtectionKind.Definition;

    /// <summary>Forwarding in a router namespace (<see cref="ForwardingKind"/>).</summary>
    public static ResourceKind Forwarding => ForwardingKind.Definition;

    /// <summary>A zone VNIC's veth pair (<see cref="VethKind.Vnic"/>).</summary>
    public static ResourceKind Veth => VethKind.Vnic.Kind;

    /// <summary>A trunk between a leaf bridge and its root (<see cref="TrunkKind"/>).</summary>
    public static ResourceKind Trunk => TrunkKind.Definition;

    /// <summary>A router's leg (<see cref="VethKind.Leg"/>).</summary>
    public static ResourceKind Leg => VethKind.Leg.Kind;

    /// <summary>A macvlan (<see cref="MacvlanKind"/>).</summary>
    public static ResourceKind Macvlan => MacvlanKind.Definition;

    /// <summary>An address (<see cref="AddressKind"/>).</summary>
    public static ResourceKind Address => AddressKind.Definition;

    /// <summary>tc shaping (<see cref="ShapingKind"/>).</summary>
    public static ResourceKind Shaping => ShapingKind.Definition;

    /// <summary>A VXLAN device (<see cref="VxlanKind"/>).</summary>
    public static ResourceKind Vxlan => VxlanKind.Definition;

    /// <summary>A remote VNIC's forwarding entries (<see cref="FdbKind"/>).</summary>
    public static ResourceKind Fdb => FdbKind.Definition;

    /// <summary>A remote VNIC's address for the neighbour proxy (<see cref="NeighbourKind"/>).</summary>
    public static ResourceKind Neighbour => NeighbourKind.Definition;

    /// <summary>What the overlay needs of the underlay (<see cref="UnderlayKind"/>).</summary>
    public static ResourceKind Underlay => UnderlayKind.Definition;

    /// <summary>A route (<see cref="RouteKind"/>).</summary>
    public static ResourceKind Route => RouteKind.Definition;

    /// <summary>Every kind, by rank.</summary>
    public static IReadOnlyList<LinuxKind> All { get; } =
    [
        LinkKind.Instance, UnderlayKind.Instance, NetnsKind.Instance, BridgeKind.Instance, NftTableKind.Instance, ProtectionKind.Instance, ForwardingKind.Instance,
        VethKind.Vnic, VethKind.Leg, TrunkKind.Instance, MacvlanKind.Instance, VxlanKind.Instance, AddressKind.Instance, ShapingKind.Instance, FdbKind.Instance,
        NeighbourKind.Instance, RouteKind.Instance,
    ];

    private static readonly Dictionary<string, LinuxKind> ByName = All.ToDictionary(k => k.Kind.Name, StringComparer.Ordinal);

    /// <summary>The kind of a step's resource.</summary>
    public static LinuxKind Of(ResourceKind kind) =>
        ByName.TryGetValue(kind.Name, out var linux) ? linux : throw new ArgumentException($"'{kind.Name}' is not a kind of the Linux backend", nameof(kind));
}
