using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Backends.Linux.Netlink;

namespace NetVirt.Backends.Linux.Observation;

/// <summary>What one owned namespace holds: its links, addresses and main-table routes, and (router) its forwarding sysctls.</summary>
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

    /// <summary>Reads the namespace the calling (dedicated) thread is in.</summary>
    public static NamespaceObserved Read(string name, bool router)
    {
        using var socket = NetlinkSocket.Open();
        var links = new List<LinkObserved>();
        var addresses = new List<AddressObserved>();
        var routes = new List<RouteObserved>();
        socket.Dump(Rtnl.RTM_GETLINK, b => { b.IfInfo(); b.U32(Rtnl.IFLA_EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS); }, (_, p) =>
        {
            if (RtnlDecoder.Link(p) is { } link)
            {
                links.Add(link);
            }
        });
        socket.Dump(Rtnl.RTM_GETADDR, b => b.IfAddr(Rtnl.AF_UNSPEC, 0, 0, 0), (_, p) =>
        {
            if (RtnlDecoder.Address(p) is { } address)
            {
                addresses.Add(address);
            }
        });
        socket.Dump(Rtnl.RTM_GETROUTE, b => b.RtMsg(Rtnl.AF_UNSPEC, 0, 0, 0, 0), (_, p) =>
        {
            if (RtnlDecoder.Route(p) is { } route)
            {
                routes.Add(route);
            }
        });
        return new NamespaceObserved(name)
        {
            Links = links,
            Addresses = addresses,
            Routes = routes,
            Forwarding = router ? (Sysctl.Read("net/ipv4/ip_forward"), Sysctl.Read("net/ipv6/conf/all/forwarding")) : null,
        };
    }
}
