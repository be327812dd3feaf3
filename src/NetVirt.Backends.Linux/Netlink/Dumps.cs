namespace NetVirt.Backends.Linux.Netlink;

/// <summary>The rtnetlink dumps observation needs, decoded by <see cref="RtnlDecoder"/>.</summary>
internal static class Dumps
{
    /// <summary>
    /// Every link of the socket's namespace, or only those of <paramref name="kind"/> (the kernel filters before it
    /// fills an answer: <c>link_dump_filtered</c>).
    /// </summary>
    public static List<LinkObserved> Links(NetlinkSocket socket, string? kind = null)
    {
        var links = new List<LinkObserved>();
        socket.Dump(Rtnl.RTM_GETLINK, b =>
        {
            b.IfInfo();
            b.U32(Rtnl.IFLA_EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS);
            if (kind is not null)
            {
                b.BeginNested(Rtnl.IFLA_LINKINFO);
                b.String(Rtnl.IFLA_INFO_KIND, kind);
                b.EndNested();
            }
        }, (_, p) =>
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

    /// <summary>
    /// Every qdisc of the socket's namespace: device index, parent, kind, and a tbf's rate in bytes per second (0 for
    /// other kinds). One dump that walks the devices and their qdiscs, never a link's peer namespace (unlike the link
    /// dump <c>tc</c> makes first to name the devices).
    /// </summary>
    public static List<QdiscObserved> Qdiscs(NetlinkSocket socket)
    {
        var qdiscs = new List<QdiscObserved>();
        socket.Dump(Rtnl.RTM_GETQDISC, b => b.TcMsg(), (type, p) =>
        {
            if (type == Rtnl.RTM_NEWQDISC && RtnlDecoder.Qdisc(p) is { } qdisc)
            {
                qdiscs.Add(qdisc);
            }
        });
        return qdiscs;
    }
}
