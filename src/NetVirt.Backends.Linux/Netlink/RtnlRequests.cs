using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;

namespace NetVirt.Backends.Linux.Netlink;

/// <summary>Encodes the rtnetlink requests the backend sends. Every request asks for an acknowledgement. Pure.</summary>
internal static class RtnlRequests
{
    /// <summary><c>ip link add NAME [mtu M] type KIND</c>, down; <paramref name="data"/> writes <c>IFLA_INFO_DATA</c> contents.</summary>
    public static void CreateLink(NetlinkBatch batch, string name, string kind, int? mtu = null, int master = 0, uint flags = 0, Action<NetlinkBatch>? data = null, Action<NetlinkBatch>? extra = null)
    {
        batch.Begin(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL | Rtnl.NLM_F_ACK);
        batch.IfInfo(flags: flags, change: flags);
        batch.String(Rtnl.IFLA_IFNAME, name);
        if (mtu is { } m)
        {
            batch.U32(Rtnl.IFLA_MTU, (uint)m);
        }

        if (master != 0)
        {
            batch.U32(Rtnl.IFLA_MASTER, (uint)master);
        }

        extra?.Invoke(batch);
        batch.BeginNested(Rtnl.IFLA_LINKINFO);
        batch.String(Rtnl.IFLA_INFO_KIND, kind);
        if (data is not null)
        {
            batch.BeginNested(Rtnl.IFLA_INFO_DATA);
            data(batch);
            batch.EndNested();
        }

        batch.EndNested();
        batch.End();
    }

    /// <summary>
    /// <c>ip link add HOST mtu M master BRIDGE type veth peer name PEER [address MAC] mtu M netns FD</c>: the peer is
    /// created directly inside its namespace (moving an existing veth costs far more). Both ends start down: asking
    /// for the peer up here fails with ENOTCONN on this kernel, so it is set up from inside its namespace; the host
    /// end goes up with its alias and <c>addrgenmode none</c> in one request after this one (up first would give it a
    /// link-local address).
    /// </summary>
    /// <remarks>
    /// <para><paramref name="peerNetnsFd"/> -1: the peer is made in the same namespace.</para>
    /// <para>
    /// Both ends ask for one transmit and one receive queue. Left to the kernel, a veth gets a queue per possible CPU and
    /// is then cut down to one in the same request, and cutting a device's queues waits for an expedited RCU grace
    /// period, twice per pair: 1,000 pairs took 0.43–0.51 s with it and 0.27–0.29 s without (<c>integration/bench/kernel/veth_queues.sh</c>).
    /// Nothing here uses more than one queue (no XDP, and the host end's qdisc is tc's, per device).
    /// </para>
    /// </remarks>
    public static void CreateVeth(NetlinkBatch batch, string hostEnd, int mtu, int master, string peer, MacAddress? peerMac, int peerNetnsFd) =>
        CreateLink(batch, hostEnd, "veth", mtu, master: master, extra: OneQueue, data: b =>
        {
            b.BeginPeer();
            b.IfInfo();
            b.String(Rtnl.IFLA_IFNAME, peer);
            OneQueue(b);
            b.U32(Rtnl.IFLA_MTU, (uint)mtu);
            if (peerMac is { } mac)
            {
                Span<byte> bytes = stackalloc byte[6];
                mac.WriteBytes(bytes);
                b.Bytes(Rtnl.IFLA_ADDRESS, bytes);
            }

            if (peerNetnsFd >= 0)
            {
                b.U32(Rtnl.IFLA_NET_NS_FD, (uint)peerNetnsFd);
            }

            b.EndNested();
        });

    private static void OneQueue(NetlinkBatch batch)
    {
        batch.U32(Rtnl.IFLA_NUM_TX_QUEUES, 1);
        batch.U32(Rtnl.IFLA_NUM_RX_QUEUES, 1);
    }

    /// <summary><c>ip link add NAME link LOWER address MAC mtu M netns FD type macvlan mode bridge</c>, up.</summary>
    public static void CreateMacvlan(NetlinkBatch batch, string name, int lowerIndex, MacAddress mac, int mtu, int netnsFd) =>
        CreateLink(batch, name, "macvlan", mtu, flags: Rtnl.IFF_UP, data: b => b.U32(Rtnl.IFLA_MACVLAN_MODE, Rtnl.MACVLAN_MODE_BRIDGE), extra: b =>
        {
            b.U32(Rtnl.IFLA_LINK, (uint)lowerIndex);
            Span<byte> bytes = stackalloc byte[6];
            mac.WriteBytes(bytes);
            b.Bytes(Rtnl.IFLA_ADDRESS, bytes);
            b.U32(Rtnl.IFLA_NET_NS_FD, (uint)netnsFd);
        });

    /// <summary>
    /// <c>ip link set NAME [alias A] [addrgenmode none] [master B] [mtu M] [address MAC] [up]</c> (by name); the
    /// up/down state is left alone unless <paramref name="up"/> or <paramref name="down"/>. One request instead of several: each rtnetlink
    /// request costs a lock round and a notification, which adds up over a thousand links. The kernel brings the link up
    /// before it applies the address generation mode, so a link that has carrier at once gets a link-local address from
    /// a request with both: <see cref="Execution.BatchWork.AddHost"/> sends the mode in a request of its own first.
    /// </summary>
    public static void SetLink(
        NetlinkBatch batch, string name, string? alias = null, bool noIpv6LinkLocal = false, int? master = null, int? mtu = null, MacAddress? mac = null, bool up = false, bool? bridgeLearning = null, bool down = false)
    {
        batch.Begin(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_ACK);
        batch.IfInfo(flags: up ? Rtnl.IFF_UP : 0, change: up || down ? Rtnl.IFF_UP : 0);
        batch.String(Rtnl.IFLA_IFNAME, name);
        if (alias is not null)
        {
            batch.String(Rtnl.IFLA_IFALIAS, alias);
        }

        if (master is { } m)
        {
            batch.U32(Rtnl.IFLA_MASTER, (uint)m);
        }

        if (mtu is { } value)
        {
            batch.U32(Rtnl.IFLA_MTU, (uint)value);
        }

        if (mac is { } address)
        {
            Span<byte> bytes = stackalloc byte[6];
            address.WriteBytes(bytes);
            batch.Bytes(Rtnl.IFLA_ADDRESS, bytes);
        }

        if (noIpv6LinkLocal)
        {
            // A bridge or host end carries no addresses; without this it would send MLD and router solicitations
            // from a link-local address into the zones.
            batch.BeginNested(Rtnl.IFLA_AF_SPEC);
            batch.BeginNested(Rtnl.AF_INET6);
            batch.U8(Rtnl.IFLA_INET6_ADDR_GEN_MODE, Rtnl.IN6_ADDR_GEN_MODE_NONE);
            batch.EndNested();
            batch.EndNested();
        }

        if (bridgeLearning is { } learning)
        {
            // Bridge port attributes of a link that is already a port: the kernel looks up the master's handler before
            // it would apply a master given in the same request, so this never goes with IFLA_MASTER.
            batch.BeginNested(Rtnl.IFLA_LINKINFO);
            batch.String(Rtnl.IFLA_INFO_SLAVE_KIND, "bridge");
            batch.BeginNested(Rtnl.IFLA_INFO_SLAVE_DATA);
            batch.U8(Rtnl.IFLA_BRPORT_LEARNING, learning ? (byte)1 : (byte)0);
            batch.EndNested();
            batch.EndNested();
        }

        batch.End();
    }

    /// <summary>
    /// <c>ip link add NAME mtu M master B type vxlan id VNI local ADDR dstport PORT nolearning proxy</c>, down. No
    /// remote and no group: the device sends only where its forwarding entries say.
    /// </summary>
    public static void CreateVxlan(NetlinkBatch batch, string name, int vni, IPAddress local, int port, int mtu, int master) =>
        CreateLink(batch, name, "vxlan", mtu, master: master, data: b =>
        {
            b.U32(Rtnl.IFLA_VXLAN_ID, (uint)vni);
            b.Address(local.AddressFamily == AddressFamily.InterNetwork ? Rtnl.IFLA_VXLAN_LOCAL : Rtnl.IFLA_VXLAN_LOCAL6, local);
            b.U8(Rtnl.IFLA_VXLAN_LEARNING, 0);
            b.U8(Rtnl.IFLA_VXLAN_PROXY, 1);
            b.U16BigEndian(Rtnl.IFLA_VXLAN_PORT, (ushort)port);
        });

    /// <summary>
    /// A forwarding entry on a VXLAN device: its own (<paramref name="self"/>: to the VTEP <paramref name="destination"/>,
    /// permanent) or the bridge's static entry on the device's port. Add replaces what is there.
    /// </summary>
    public static void Fdb(NetlinkBatch batch, bool add, int index, MacAddress mac, bool self, IPAddress? destination)
    {
        batch.Begin(add ? Rtnl.RTM_NEWNEIGH : Rtnl.RTM_DELNEIGH, add ? (ushort)(Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE | Rtnl.NLM_F_ACK) : Rtnl.NLM_F_ACK);
        batch.NdMsg(Rtnl.AF_BRIDGE, index, self ? Rtnl.NUD_PERMANENT : Rtnl.NUD_NOARP, self ? Rtnl.NTF_SELF : Rtnl.NTF_MASTER);
        Span<byte> bytes = stackalloc byte[6];
        mac.WriteBytes(bytes);
        batch.Bytes(Rtnl.NDA_LLADDR, bytes);
        if (destination is not null)
        {
            batch.Address(Rtnl.NDA_DST, destination);
        }

        batch.End();
    }

    /// <summary>A permanent neighbour entry (<c>ip neigh replace ADDR lladdr MAC dev INDEX nud permanent</c>).</summary>
    public static void Neighbour(NetlinkBatch batch, bool add, int index, IPAddress address, MacAddress mac)
    {
        batch.Begin(add ? Rtnl.RTM_NEWNEIGH : Rtnl.RTM_DELNEIGH, add ? (ushort)(Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE | Rtnl.NLM_F_ACK) : Rtnl.NLM_F_ACK);
        batch.NdMsg(address.AddressFamily == AddressFamily.InterNetwork ? Rtnl.AF_INET : Rtnl.AF_INET6, index, Rtnl.NUD_PERMANENT, 0);
        batch.Address(Rtnl.NDA_DST, address);
        Span<byte> bytes = stackalloc byte[6];
        mac.WriteBytes(bytes);
        batch.Bytes(Rtnl.NDA_LLADDR, bytes);
        batch.End();
    }

    /// <summary><c>ip link set NAME up</c>.</summary>
    public static void Up(NetlinkBatch batch, string name)
    {
        batch.Begin(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_ACK);
        batch.IfInfo(flags: Rtnl.IFF_UP, change: Rtnl.IFF_UP);
        batch.String(Rtnl.IFLA_IFNAME, name);
        batch.End();
    }

    /// <summary><c>ip link delete NAME</c>.</summary>
    public static void DeleteLink(NetlinkBatch batch, string name)
    {
        batch.Begin(Rtnl.RTM_DELLINK, Rtnl.NLM_F_ACK);
        batch.IfInfo();
        batch.String(Rtnl.IFLA_IFNAME, name);
        batch.End();
    }

    /// <summary><c>ip address add|del A/P dev INDEX [nodad]</c>.</summary>
    public static void Address(NetlinkBatch batch, bool add, InterfaceAddress address, int index)
    {
        var v6 = address.Family == AddressFamily.InterNetworkV6;
        batch.Begin(add ? Rtnl.RTM_NEWADDR : Rtnl.RTM_DELADDR, add ? (ushort)(Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL | Rtnl.NLM_F_ACK) : Rtnl.NLM_F_ACK);
        batch.IfAddr(v6 ? Rtnl.AF_INET6 : Rtnl.AF_INET, (byte)address.PrefixLength, Rtnl.RT_SCOPE_UNIVERSE, index);
        batch.Address(Rtnl.IFA_LOCAL, address.Address);
        batch.Address(Rtnl.IFA_ADDRESS, address.Address);
        if (add && v6)
        {
            // NetVirt guarantees uniqueness itself; without DAD the address is usable at once.
            batch.U32(Rtnl.IFA_FLAGS, Rtnl.IFA_F_NODAD);
        }

        batch.End();
    }

    /// <summary><c>ip route add|replace|del DEST via GW proto static</c> in the main table.</summary>
    public static void Route(NetlinkBatch batch, ushort type, bool replace, IPNetwork destination, IPAddress gateway)
    {
        var v6 = destination.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        var flags = type == Rtnl.RTM_NEWROUTE
            ? (ushort)(Rtnl.NLM_F_CREATE | Rtnl.NLM_F_ACK | (replace ? Rtnl.NLM_F_REPLACE : Rtnl.NLM_F_EXCL))
            : Rtnl.NLM_F_ACK;
        batch.Begin(type, flags);
        batch.RtMsg(v6 ? Rtnl.AF_INET6 : Rtnl.AF_INET, (byte)destination.PrefixLength, Rtnl.RTPROT_STATIC, Rtnl.RT_SCOPE_UNIVERSE);
        if (destination.PrefixLength > 0)
        {
            batch.Address(Rtnl.RTA_DST, destination.BaseAddress);
        }

        batch.Address(Rtnl.RTA_GATEWAY, gateway);
        batch.End();
    }
}
