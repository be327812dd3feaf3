using System.Buffers.Binary;
using System.Net;
using NetVirt.Model.Addressing;

namespace NetVirt.Backends.Linux.Netlink;

/// <summary>A link as an <c>RTM_NEWLINK</c> dump reports it.</summary>
internal sealed record LinkObserved(int Index, string Name)
{
    /// <summary><c>ifi_flags</c>.</summary>
    public uint Flags { get; init; }

    /// <summary>MTU.</summary>
    public int Mtu { get; init; }

    /// <summary>Hardware address, if Ethernet.</summary>
    public MacAddress? Mac { get; init; }

    /// <summary>Index of the bridge it is enslaved to (0 = none).</summary>
    public int Master { get; init; }

    /// <summary><c>ifalias</c>.</summary>
    public string? Alias { get; init; }

    /// <summary><c>IFLA_INFO_KIND</c>: <c>veth</c>, <c>bridge</c>, <c>ifb</c>, <c>macvlan</c>, ...; null for physical links.</summary>
    public string? Kind { get; init; }

    /// <summary><c>IFLA_LINK</c>: the peer (veth) or lower link (macvlan) index, in <see cref="LinkNetnsId"/>'s namespace when set.</summary>
    public int Link { get; init; }

    /// <summary><c>IFLA_LINK_NETNSID</c>: the peer or lower link lives in another namespace (this id), or null.</summary>
    public int? LinkNetnsId { get; init; }

    /// <summary>True when administratively up.</summary>
    public bool IsUp => (Flags & Rtnl.IFF_UP) != 0;

    /// <summary>A VXLAN device's settings (<c>IFLA_INFO_DATA</c>), or null for other kinds.</summary>
    public VxlanObserved? Vxlan { get; init; }

    /// <summary>Learning on the bridge port (<c>IFLA_BRPORT_LEARNING</c>), or null when the link is no bridge port.</summary>
    public bool? PortLearning { get; init; }
}

/// <summary>A VXLAN device's settings as a link dump reports them.</summary>
/// <param name="Vni">VXLAN network identifier.</param>
/// <param name="Local">Local (source) address, or null.</param>
/// <param name="Port">UDP destination port.</param>
/// <param name="Learning">Source-address learning.</param>
/// <param name="Proxy">ARP/neighbour-discovery proxy.</param>
internal sealed record VxlanObserved(int Vni, IPAddress? Local, int Port, bool Learning, bool Proxy);

/// <summary>
/// An entry of an <c>RTM_NEWNEIGH</c> dump: a forwarding entry (<see cref="Family"/> AF_BRIDGE: on a device's own table
/// with <see cref="Flags"/> NTF_SELF, or a bridge's with NTF_MASTER) or a neighbour entry (AF_INET, AF_INET6).
/// </summary>
internal sealed record NeighbourObserved(byte Family, int Index, ushort State, byte Flags, MacAddress? Mac, IPAddress? Destination, int Master);

/// <summary>An address as an <c>RTM_NEWADDR</c> dump reports it.</summary>
internal sealed record AddressObserved(int Index, InterfaceAddress Address, byte Scope, uint Flags);

/// <summary>A route of the main table as an <c>RTM_NEWROUTE</c> dump reports it.</summary>
internal sealed record RouteObserved(IPNetwork Destination, IPAddress? Gateway, int OutputIndex, byte Protocol, byte Scope, byte Type);

/// <summary>A qdisc as an <c>RTM_NEWQDISC</c> dump reports it; <see cref="Rate"/> is a tbf's rate in bytes per second, else 0.</summary>
internal sealed record QdiscObserved(int Index, uint Parent, string Kind, long Rate)
{
    /// <summary>True for the device's root qdisc.</summary>
    public bool IsRoot => Parent == Rtnl.TC_H_ROOT;
}

/// <summary>Decodes rtnetlink dump messages (payload after the netlink header). Pure.</summary>
internal static class RtnlDecoder
{
    /// <summary>Decodes an <c>RTM_NEWLINK</c> payload.</summary>
    public static LinkObserved? Link(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Rtnl.IfInfoLength)
        {
            return null;
        }

        var index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        string? name = null;
        string? alias = null;
        string? kind = null;
        MacAddress? mac = null;
        int mtu = 0, master = 0, link = 0;
        int? linkNetnsId = null;
        VxlanObserved? vxlan = null;
        bool? portLearning = null;
        var attributes = new NetlinkAttributes(payload[Rtnl.IfInfoLength..]);
        while (attributes.MoveNext())
        {
            switch (attributes.Type)
            {
                case Rtnl.IFLA_IFNAME:
                    name = attributes.AsString();
                    break;
                case Rtnl.IFLA_MTU:
                    mtu = (int)attributes.AsU32();
                    break;
                case Rtnl.IFLA_ADDRESS when attributes.Value.Length == 6:
                    mac = MacAddress.FromBytes(attributes.Value);
                    break;
                case Rtnl.IFLA_MASTER:
                    master = (int)attributes.AsU32();
                    break;
                case Rtnl.IFLA_IFALIAS:
                    alias = attributes.AsString();
                    break;
                case Rtnl.IFLA_LINK:
                    link = (int)attributes.AsU32();
                    break;
                case Rtnl.IFLA_LINK_NETNSID:
                    linkNetnsId = (int)attributes.AsU32();
                    break;
                case Rtnl.IFLA_LINKINFO:
                    var info = new NetlinkAttributes(attributes.Value);
                    var data = ReadOnlySpan<byte>.Empty;
                    string? slaveKind = null;
                    var slaveData = ReadOnlySpan<byte>.Empty;
                    while (info.MoveNext())
                    {
                        switch (info.Type)
                        {
                            case Rtnl.IFLA_INFO_KIND:
                                kind = info.AsString();
                                break;
                            case Rtnl.IFLA_INFO_DATA:
                                data = info.Value;
                                break;
                            case Rtnl.IFLA_INFO_SLAVE_KIND:
                                slaveKind = info.AsString();
                                break;
                            case Rtnl.IFLA_INFO_SLAVE_DATA:
                                slaveData = info.Value;
                                break;
                        }
                    }

                    if (kind == "vxlan")
                    {
                        vxlan = Vxlan(data);
                    }

                    if (slaveKind == "bridge")
                    {
                        portLearning = Learning(slaveData);
                    }

                    break;
            }
        }

        return name is null ? null : new LinkObserved(index, name)
        {
            Flags = flags, Mtu = mtu, Mac = mac, Master = master, Alias = alias, Kind = kind, Link = link, LinkNetnsId = linkNetnsId, Vxlan = vxlan, PortLearning = portLearning,
        };
    }

    /// <summary>Decodes an <c>RTM_NEWQDISC</c> payload (<c>struct tcmsg</c> and attributes).</summary>
    public static QdiscObserved? Qdisc(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Rtnl.TcMsgLength)
        {
            return null;
        }

        var index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        var parent = BinaryPrimitives.ReadUInt32LittleEndian(payload[12..]);
        string? kind = null;
        long rate = 0, rate64 = 0;
        var attributes = new NetlinkAttributes(payload[Rtnl.TcMsgLength..]);
        while (attributes.MoveNext())
        {
            if (attributes.Type == Rtnl.TCA_KIND)
            {
                kind = attributes.AsString();
            }
            else if (attributes.Type == Rtnl.TCA_OPTIONS && kind == "tbf")
            {
                var options = new NetlinkAttributes(attributes.Value);
                while (options.MoveNext())
                {
                    // struct tc_tbf_qopt begins with the rate's struct tc_ratespec, whose rate (u32) is at offset 8.
                    if (options.Type == Rtnl.TCA_TBF_PARMS && options.Value.Length >= 12)
                    {
                        rate = BinaryPrimitives.ReadUInt32LittleEndian(options.Value[8..]);
                    }
                    else if (options.Type == Rtnl.TCA_TBF_RATE64 && options.Value.Length >= 8)
                    {
                        rate64 = (long)BinaryPrimitives.ReadUInt64LittleEndian(options.Value);
                    }
                }
            }
        }

        return kind is null ? null : new QdiscObserved(index, parent, kind, rate64 != 0 ? rate64 : rate);
    }

    private static VxlanObserved Vxlan(ReadOnlySpan<byte> data)
    {
        int vni = 0, port = 0;
        IPAddress? local = null;
        bool learning = false, proxy = false;
        var attributes = new NetlinkAttributes(data);
        while (attributes.MoveNext())
        {
            switch (attributes.Type)
            {
                case Rtnl.IFLA_VXLAN_ID:
                    vni = (int)attributes.AsU32();
                    break;
                case Rtnl.IFLA_VXLAN_LOCAL when attributes.Value.Length == 4:
                case Rtnl.IFLA_VXLAN_LOCAL6 when attributes.Value.Length == 16:
                    local = attributes.AsAddress();
                    break;
                case Rtnl.IFLA_VXLAN_LEARNING when attributes.Value.Length >= 1:
                    learning = attributes.Value[0] != 0;
                    break;
                case Rtnl.IFLA_VXLAN_PROXY when attributes.Value.Length >= 1:
                    proxy = attributes.Value[0] != 0;
                    break;
                case Rtnl.IFLA_VXLAN_PORT when attributes.Value.Length >= 2:
                    port = BinaryPrimitives.ReadUInt16BigEndian(attributes.Value);
                    break;
            }
        }

        return new VxlanObserved(vni, local, port, learning, proxy);
    }

    private static bool? Learning(ReadOnlySpan<byte> data)
    {
        var attributes = new NetlinkAttributes(data);
        while (attributes.MoveNext())
        {
            if (attributes.Type == Rtnl.IFLA_BRPORT_LEARNING && attributes.Value.Length >= 1)
            {
                return attributes.Value[0] != 0;
            }
        }

        return null;
    }

    /// <summary>Decodes an <c>RTM_NEWNEIGH</c> payload.</summary>
    public static NeighbourObserved? Neighbour(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Rtnl.NdMsgLength)
        {
            return null;
        }

        var family = payload[0];
        var index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        var state = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]);
        var flags = payload[10];
        MacAddress? mac = null;
        IPAddress? destination = null;
        var master = 0;
        var attributes = new NetlinkAttributes(payload[Rtnl.NdMsgLength..]);
        while (attributes.MoveNext())
        {
            switch (attributes.Type)
            {
                case Rtnl.NDA_LLADDR when attributes.Value.Length == 6:
                    mac = MacAddress.FromBytes(attributes.Value);
                    break;
                case Rtnl.NDA_DST when attributes.Value.Length is 4 or 16:
                    destination = attributes.AsAddress();
                    break;
                case Rtnl.NDA_MASTER:
                    master = (int)attributes.AsU32();
                    break;
            }
        }

        return new NeighbourObserved(family, index, state, flags, mac, destination, master);
    }

    /// <summary>Decodes an <c>RTM_NEWADDR</c> payload.</summary>
    public static AddressObserved? Address(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Rtnl.IfAddrLength)
        {
            return null;
        }

        var prefixLength = payload[1];
        uint flags = payload[2];
        var scope = payload[3];
        var index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        IPAddress? local = null;
        IPAddress? address = null;
        var attributes = new NetlinkAttributes(payload[Rtnl.IfAddrLength..]);
        while (attributes.MoveNext())
        {
            switch (attributes.Type)
            {
                case Rtnl.IFA_LOCAL:
                    local = attributes.AsAddress();
                    break;
                case Rtnl.IFA_ADDRESS:
                    address = attributes.AsAddress();
                    break;
                case Rtnl.IFA_FLAGS:
                    flags = attributes.AsU32();
                    break;
            }
        }

        var chosen = local ?? address;
        return chosen is null ? null : new AddressObserved(index, new InterfaceAddress(chosen, prefixLength), scope, flags);
    }

    /// <summary>Decodes an <c>RTM_NEWROUTE</c> payload; null for routes outside the main table.</summary>
    public static RouteObserved? Route(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Rtnl.RtMsgLength)
        {
            return null;
        }

        var family = payload[0];
        var destinationLength = payload[1];
        uint table = payload[4];
        var protocol = payload[5];
        var scope = payload[6];
        var type = payload[7];
        IPAddress? destination = null;
        IPAddress? gateway = null;
        var outputIndex = 0;
        var attributes = new NetlinkAttributes(payload[Rtnl.RtMsgLength..]);
        while (attributes.MoveNext())
        {
            switch (attributes.Type)
            {
                case Rtnl.RTA_DST:
                    destination = attributes.AsAddress();
                    break;
                case Rtnl.RTA_GATEWAY:
                    gateway = attributes.AsAddress();
                    break;
                case Rtnl.RTA_OIF:
                    outputIndex = (int)attributes.AsU32();
                    break;
                case Rtnl.RTA_TABLE:
                    table = attributes.AsU32();
                    break;
            }
        }

        if (table != Rtnl.RT_TABLE_MAIN || family is not (Rtnl.AF_INET or Rtnl.AF_INET6))
        {
            return null;
        }

        destination ??= family == Rtnl.AF_INET ? IPAddress.Any : IPAddress.IPv6Any;
        return new RouteObserved(new IPNetwork(destination, destinationLength), gateway, outputIndex, protocol, scope, type);
    }
}
