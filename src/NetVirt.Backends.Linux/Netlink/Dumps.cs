namespace NetVirt.Backends.Linux.Netlink;

/// <summary>The rtnetlink dumps observation needs, decoded by <see cref="RtnlDecoder"/>.</summary>
internal static class Dumps
{
    /// <summary>Every link of the socket's namespace.</summary>
    public static List<LinkObserved> Links(NetlinkSocket socket)
    {
        var links = new List<LinkObserved>();
        socket.Dump(Rtnl.RTM_GETLINK, b => { b.IfInfo(); b.U32(Rtnl.IFLA_EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS); }, (_, p) =>
        {
            if (RtnlDecoder.Link(p) is { } link)
            {
                links.Add(link);
            }
        });
        return links;
    }

    /// <summary>Every address of the socket's namespace.</summary>
    public static List<AddressObserved> Addresses(NetlinkSocket socket)
    {
        var addresses = new List<AddressObserved>();
        socket.Dump(Rtnl.RTM_GETADDR, b => b.IfAddr(Rtnl.AF_UNSPEC, 0, 0, 0), (_, p) =>
        {
            if (RtnlDecoder.Address(p) is { } address)
            {
                addresses.Add(address);
            }
        });
        return addresses;
    }

    /// <summary>Every main-table route of the socket's namespace.</summary>
    public static List<RouteObserved> Routes(NetlinkSocket socket)
    {
        var routes = new List<RouteObserved>();
        socket.Dump(Rtnl.RTM_GETROUTE, b => b.RtMsg(Rtnl.AF_UNSPEC, 0, 0, 0, 0), (_, p) =>
        {
            if (RtnlDecoder.Route(p) is { } route)
            {
                routes.Add(route);
            }
        });
        return routes;
    }

    /// <summary>
    /// Every forwarding entry (AF_BRIDGE: bridges' and devices' own, such as a VXLAN device's) and every IPv4 and IPv6
    /// neighbour entry of the socket's namespace.
    /// </summary>
    public static List<NeighbourObserved> Neighbours(NetlinkSocket socket)
    {
        var entries = new List<NeighbourObserved>();
        foreach (var family in (byte[])[Rtnl.AF_BRIDGE, Rtnl.AF_INET, Rtnl.AF_INET6])
        {
            socket.Dump(Rtnl.RTM_GETNEIGH, b => b.NdMsg(family, 0, 0, 0), (_, p) =>
            {
                if (RtnlDecoder.Neighbour(p) is { } entry)
                {
                    entries.Add(entry);
                }
            });
        }

        return entries;
    }
}
