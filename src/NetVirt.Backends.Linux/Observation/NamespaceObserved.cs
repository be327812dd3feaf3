using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Kinds;
using NetVirt.Backends.Linux.Netlink;

namespace NetVirt.Backends.Linux.Observation;

/// <summary>What one namespace holds: its links, addresses and main-table routes, and (router) its forwarding sysctls.</summary>
internal sealed record NamespaceObserved(string Name)
{
    /// <summary>Links.</summary>
    public IReadOnlyList<LinkObserved> Links { get; init; } = [];

    /// <summary>Addresses.</summary>
    public IReadOnlyList<AddressObserved> Addresses { get; init; } = [];

    /// <summary>Main-table routes.</summary>
    public IReadOnlyList<RouteObserved> Routes { get; init; } = [];

    /// <summary><c>net.ipv4.ip_forward</c> and <c>net.ipv6.conf.all.forwarding</c>, for router namespaces.</summary>
    public (string Ipv4, string Ipv6)? Forwarding { get; init; }

    /// <summary>Why the namespace could not be read, if it could not.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Reads the namespace <paramref name="inside"/> is in: its links, and unless <paramref name="linksOnly"/> says
    /// otherwise for those links (another deployment's namespace: only its interfaces matter), addresses, routes and
    /// (router) forwarding.
    /// </summary>
    public static NamespaceObserved Read(INamespaceKernel inside, bool router, Func<IReadOnlyList<LinkObserved>, bool> linksOnly)
    {
        var links = inside.Links();
        if (linksOnly(links))
        {
            return new NamespaceObserved(inside.Name) { Links = links };
        }

        return new NamespaceObserved(inside.Name)
        {
            Links = links,
            Addresses = inside.Addresses(),
            Routes = inside.Routes(),
            Forwarding = router ? (inside.ReadSysctl(ForwardingKind.Sysctls[0].Key), inside.ReadSysctl(ForwardingKind.Sysctls[1].Key)) : null,
        };
    }
}

/// <summary>
/// What the host namespace shows of the overlay (read only when the host has a VXLAN device of the prefix or an overlay
/// is wanted): its forwarding and neighbour entries, and its addresses (where the underlay address is).
/// </summary>
internal sealed record OverlayObserved(IReadOnlyList<NeighbourObserved> Neighbours, IReadOnlyList<AddressObserved> Addresses);
