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
}

/// <summary>An address as an <c>RTM_NEWADDR</c> dump reports it.</summary>
internal sealed record AddressObserved(int Index, InterfaceAddress Address, byte Scope, uint Flags);

/// <summary>A route of the main table as an <c>RTM_NEWROUTE</c> dump reports it.</summary>
internal sealed record RouteObserved(IPNetwork Destination, IPAddress? Gateway, int OutputIndex, byte Protocol, byte Scope, byte Type);

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
                    while (info.MoveNext())
                    {
                        if (info.Type == Rtnl.IFLA_INFO_KIND)
                        {
                            kind = info.AsString();
                        }
                    }

                    break;
            }
        }

        return name is null ? null : new LinkObserved(index, name)
        {
            Flags = flags, Mtu = mtu, Mac = mac, Master = master, Alias = alias, Kind = kind, Link = link, LinkNetnsId = linkNetnsId,
        };
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
