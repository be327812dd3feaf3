namespace NetVirt.Backends.Linux.Netlink;

/// <summary>rtnetlink constants (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h, linux/veth.h, linux/neighbour.h).</summary>
internal static class Rtnl
{
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;

    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_MULTI = 0x2;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_DUMP_INTR = 0x10;
    public const ushort NLM_F_REPLACE = 0x100;
    public const ushort NLM_F_EXCL = 0x200;
    public const ushort NLM_F_CREATE = 0x400;
    public const ushort NLM_F_DUMP = 0x300;
    public const ushort NLM_F_ACK_TLVS = 0x200;
    public const ushort NLMSGERR_ATTR_MSG = 1;

    public const ushort RTM_NEWLINK = 16;
    public const ushort RTM_DELLINK = 17;
    public const ushort RTM_GETLINK = 18;
    public const ushort RTM_NEWADDR = 20;
    public const ushort RTM_DELADDR = 21;
    public const ushort RTM_GETADDR = 22;
    public const ushort RTM_NEWROUTE = 24;
    public const ushort RTM_DELROUTE = 25;
    public const ushort RTM_GETROUTE = 26;
    public const ushort RTM_NEWNEIGH = 28;
    public const ushort RTM_DELNEIGH = 29;
    public const ushort RTM_GETNEIGH = 30;
    public const ushort RTM_NEWQDISC = 36;
    public const ushort RTM_GETQDISC = 38;

    public const int HeaderLength = 16;
    public const int IfInfoLength = 16;
    public const int IfAddrLength = 8;
    public const int RtMsgLength = 12;
    public const int NdMsgLength = 12;
    public const int TcMsgLength = 20;

    public const ushort TCA_KIND = 1;
    public const ushort TCA_OPTIONS = 2;
    public const ushort TCA_TBF_PARMS = 1;
    public const ushort TCA_TBF_RATE64 = 4;
    public const uint TC_H_ROOT = 0xFFFFFFFF;

    public const ushort IFLA_ADDRESS = 1;
    public const ushort IFLA_IFNAME = 3;
    public const ushort IFLA_MTU = 4;
    public const ushort IFLA_LINK = 5;
    public const ushort IFLA_MASTER = 10;
    public const ushort IFLA_LINKINFO = 18;
    public const ushort IFLA_IFALIAS = 20;
    public const ushort IFLA_AF_SPEC = 26;
    public const ushort IFLA_NET_NS_FD = 28;
    public const ushort IFLA_EXT_MASK = 29;
    public const ushort IFLA_NUM_TX_QUEUES = 31;
    public const ushort IFLA_NUM_RX_QUEUES = 32;
    public const ushort IFLA_LINK_NETNSID = 37;
    public const ushort IFLA_INFO_KIND = 1;
    public const ushort IFLA_INFO_DATA = 2;
    public const ushort IFLA_INFO_SLAVE_KIND = 4;
    public const ushort IFLA_INFO_SLAVE_DATA = 5;
    public const ushort IFLA_BRPORT_LEARNING = 8;
    public const ushort IFLA_VXLAN_ID = 1;
    public const ushort IFLA_VXLAN_LOCAL = 4;
    public const ushort IFLA_VXLAN_LEARNING = 7;
    public const ushort IFLA_VXLAN_PROXY = 11;
    public const ushort IFLA_VXLAN_PORT = 15;
    public const ushort IFLA_VXLAN_LOCAL6 = 17;
    public const ushort VETH_INFO_PEER = 1;
    public const ushort IFLA_MACVLAN_MODE = 1;
    public const uint MACVLAN_MODE_BRIDGE = 4;
    public const ushort IFLA_INET6_ADDR_GEN_MODE = 8;
    public const byte IN6_ADDR_GEN_MODE_NONE = 1;
    public const uint RTEXT_FILTER_SKIP_STATS = 1 << 3;
    public const uint IFF_UP = 0x1;

    public const ushort IFA_ADDRESS = 1;
    public const ushort IFA_LOCAL = 2;
    public const ushort IFA_FLAGS = 8;
    public const uint IFA_F_NODAD = 0x02;
    public const byte RT_SCOPE_UNIVERSE = 0;
    public const byte RT_SCOPE_LINK = 253;
    public const byte RT_SCOPE_HOST = 254;

    public const ushort RTA_DST = 1;
    public const ushort RTA_OIF = 4;
    public const ushort RTA_GATEWAY = 5;
    public const ushort RTA_TABLE = 15;
    public const byte RT_TABLE_MAIN = 254;
    public const byte RTPROT_KERNEL = 2;
    public const byte RTPROT_STATIC = 4;
    public const byte RTN_UNICAST = 1;

    public const byte AF_UNSPEC = 0;
    public const byte AF_INET = 2;
    public const byte AF_BRIDGE = 7;
    public const byte AF_INET6 = 10;
    public const ushort NDA_DST = 1;
    public const ushort NDA_LLADDR = 2;
    public const ushort NDA_MASTER = 9;
    public const ushort NUD_NOARP = 0x40;
    public const ushort NUD_PERMANENT = 0x80;
    public const byte NTF_SELF = 0x02;
    public const byte NTF_MASTER = 0x04;

    public const ushort NLA_F_NESTED = 0x8000;
    public const ushort NLA_TYPE_MASK = 0x3fff;
}
