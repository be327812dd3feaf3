using System.Net;
using NetVirt.Audit.Frames;

namespace NetVirt.Tests.Audit.Frames;

/// <summary>
/// The fields of the captured fixtures, read off the tcpdump decoding in each fixture's header: namespace A has
/// 02:00:5e:10:00:0a, 192.0.2.10 and 2001:db8::a; B has 02:00:5e:10:00:0b, 192.0.2.11 and 2001:db8::b.
/// </summary>
internal static class FixtureFields
{
    public const ushort EchoIdentifier = 0x4e56; // 20054
    public const ushort UdpSourcePort = 40000;
    public const ushort UdpDestinationPort = 40001;

    public static readonly MacAddress MacA = MacAddress.Parse("02:00:5e:10:00:0a");
    public static readonly MacAddress MacB = MacAddress.Parse("02:00:5e:10:00:0b");
    public static readonly IPAddress Ipv4A = IPAddress.Parse("192.0.2.10");
    public static readonly IPAddress Ipv4B = IPAddress.Parse("192.0.2.11");
    public static readonly IPAddress Ipv6A = IPAddress.Parse("2001:db8::a");
    public static readonly IPAddress Ipv6B = IPAddress.Parse("2001:db8::b");

    public static byte[] Icmp4Payload => "netvirt-icmp4-fixture"u8.ToArray();

    public static byte[] Icmp6Payload => "netvirt-icmp6-fixture"u8.ToArray();

    public static byte[] Udp4Payload => "netvirt-udp4-fixture"u8.ToArray();

    public static byte[] Udp6Payload => "netvirt-udp6-fixture"u8.ToArray();

    public static EthernetHeader AToB => new(MacB, MacA);

    public static EthernetHeader BToA => new(MacA, MacB);

    public static ArpPacket ArpRequest => new(ArpOperation.Request, MacA, Ipv4A, MacAddress.Zero, Ipv4B);

    public static ArpPacket ArpReply => new(ArpOperation.Reply, MacB, Ipv4B, MacA, Ipv4A);

    public static Ipv4Header Icmp4Request => new(Ipv4A, Ipv4B) { Identification = 47217, DontFragment = true };

    // The kernel answers echo requests without DF.
    public static Ipv4Header Icmp4Reply => new(Ipv4B, Ipv4A) { Identification = 25447, DontFragment = false };

    public static Ipv4Header Udp4 => new(Ipv4A, Ipv4B) { Identification = 151 };

    public static Ipv6Header Icmp6Request => new(Ipv6A, Ipv6B) { FlowLabel = 0xaf08c };

    public static Ipv6Header Icmp6Reply => new(Ipv6B, Ipv6A) { FlowLabel = 0x60281 };

    public static Ipv6Header Udp6 => new(Ipv6A, Ipv6B) { FlowLabel = 0x2c0f2 };

    public static IPAddress SolicitedNodeOfB => NeighborSolicitation.SolicitedNodeAddress(Ipv6B);

    public static EthernetHeader SolicitationEthernet => new(MacAddress.ForIpv6Multicast(SolicitedNodeOfB), MacA);

    public static Ipv6Header SolicitationIp => new(Ipv6A, SolicitedNodeOfB) { HopLimit = 255 };

    public static NeighborSolicitation Solicitation => new(Ipv6B, MacA);

    public static Ipv6Header AdvertisementIp => new(Ipv6B, Ipv6A) { HopLimit = 255 };

    public static NeighborAdvertisement Advertisement =>
        new(Ipv6B, NeighborAdvertisementFlags.Solicited | NeighborAdvertisementFlags.Override, MacB);

    // dhcp-offer.hex, written by make_fixtures.py from the RFC layout.
    public static Ipv4Header DhcpIp => new(Ipv4B, Ipv4A) { TimeToLive = 128, TypeOfService = 0x10, DontFragment = false };

    public static DhcpOffer Offer => new(0x4e565054, MacA, Ipv4A, Ipv4B)
    {
        LeaseSeconds = 3600,
        SubnetMask = IPAddress.Parse("255.255.255.0"),
        Router = IPAddress.Parse("192.0.2.1"),
    };

    public static ProbeTag DhcpTag => new(0x0102030405060708);

    // vlan-*.hex: the arp-request with tags and a probe tag in the padding.
    public static ProbeTag VlanFixtureTag => new(0x1122334455667788);

    public static EthernetHeader SingleTagged => new(MacAddress.Broadcast, MacA, new VlanTagList(new VlanTag(100, Priority: 5)));

    public static EthernetHeader DoubleTagged => new(MacAddress.Broadcast, MacA, new VlanTagList(VlanTag.Service(300), VlanTag.Customer(100)));
}
