using NetVirt.Audit.Frames;
using static NetVirt.Tests.Audit.Frames.FixtureFields;

namespace NetVirt.Tests.Audit.Frames;

public sealed class FrameBuilderTests
{
    public delegate int FrameWriter(Span<byte> destination);

    // Frames captured on a veth are not padded (the kernel pads only on real NICs), so the table builds unpadded.
    public static TheoryData<string, Func<byte[]>, FrameWriter> CapturedFrames => new()
    {
        {
            "arp-request",
            () => FrameBuilder.BuildArp(new EthernetHeader(MacAddress.Broadcast, MacA), ArpRequest, padToMinimum: false),
            d => FrameBuilder.WriteArp(d, new EthernetHeader(MacAddress.Broadcast, MacA), ArpRequest, padToMinimum: false)
        },
        {
            "arp-reply",
            () => FrameBuilder.BuildArp(BToA, ArpReply, padToMinimum: false),
            d => FrameBuilder.WriteArp(d, BToA, ArpReply, padToMinimum: false)
        },
        {
            "icmp4-echo-request",
            () => FrameBuilder.BuildIcmpv4Echo(AToB, Icmp4Request, new IcmpEcho(EchoIdentifier, 1), Icmp4Payload, padToMinimum: false),
            d => FrameBuilder.WriteIcmpv4Echo(d, AToB, Icmp4Request, new IcmpEcho(EchoIdentifier, 1), Icmp4Payload, padToMinimum: false)
        },
        {
            "icmp4-echo-reply",
            () => FrameBuilder.BuildIcmpv4Echo(BToA, Icmp4Reply, new IcmpEcho(EchoIdentifier, 1, IsReply: true), Icmp4Payload, padToMinimum: false),
            d => FrameBuilder.WriteIcmpv4Echo(d, BToA, Icmp4Reply, new IcmpEcho(EchoIdentifier, 1, IsReply: true), Icmp4Payload, padToMinimum: false)
        },
        {
            "udp4",
            () => FrameBuilder.BuildUdp(AToB, Udp4, UdpSourcePort, UdpDestinationPort, Udp4Payload, padToMinimum: false),
            d => FrameBuilder.WriteUdp(d, AToB, Udp4, UdpSourcePort, UdpDestinationPort, Udp4Payload, padToMinimum: false)
        },
        {
            "icmp6-echo-request",
            () => FrameBuilder.BuildIcmpv6Echo(AToB, Icmp6Request, new IcmpEcho(EchoIdentifier, 1), Icmp6Payload, padToMinimum: false),
            d => FrameBuilder.WriteIcmpv6Echo(d, AToB, Icmp6Request, new IcmpEcho(EchoIdentifier, 1), Icmp6Payload, padToMinimum: false)
        },
        {
            "icmp6-echo-reply",
            () => FrameBuilder.BuildIcmpv6Echo(BToA, Icmp6Reply, new IcmpEcho(EchoIdentifier, 1, IsReply: true), Icmp6Payload, padToMinimum: false),
            d => FrameBuilder.WriteIcmpv6Echo(d, BToA, Icmp6Reply, new IcmpEcho(EchoIdentifier, 1, IsReply: true), Icmp6Payload, padToMinimum: false)
        },
        {
            "udp6",
            () => FrameBuilder.BuildUdp(AToB, Udp6, UdpSourcePort, UdpDestinationPort, Udp6Payload, padToMinimum: false),
            d => FrameBuilder.WriteUdp(d, AToB, Udp6, UdpSourcePort, UdpDestinationPort, Udp6Payload, padToMinimum: false)
        },
        {
            "ndp-neighbor-solicitation",
            () => FrameBuilder.BuildNeighborSolicitation(SolicitationEthernet, SolicitationIp, Solicitation, padToMinimum: false),
            d => FrameBuilder.WriteNeighborSolicitation(d, SolicitationEthernet, SolicitationIp, Solicitation, padToMinimum: false)
        },
        {
            "ndp-neighbor-advertisement",
            () => FrameBuilder.BuildNeighborAdvertisement(BToA, AdvertisementIp, Advertisement, padToMinimum: false),
            d => FrameBuilder.WriteNeighborAdvertisement(d, BToA, AdvertisementIp, Advertisement, padToMinimum: false)
        },
        {
            "dhcp-offer",
            () => FrameBuilder.BuildDhcpOffer(BToA, DhcpIp, Offer, DhcpTag.ToArray()),
            d => FrameBuilder.WriteDhcpOffer(d, BToA, DhcpIp, Offer, DhcpTag.ToArray())
        },
        {
            "vlan-single-arp-request",
            () => FrameBuilder.BuildArp(SingleTagged, ArpRequest, VlanFixtureTag.ToArray()),
            d => FrameBuilder.WriteArp(d, SingleTagged, ArpRequest, VlanFixtureTag.ToArray())
        },
        {
            "vlan-double-arp-request",
            () => FrameBuilder.BuildArp(DoubleTagged, ArpRequest, VlanFixtureTag.ToArray()),
            d => FrameBuilder.WriteArp(d, DoubleTagged, ArpRequest, VlanFixtureTag.ToArray())
        },
    };

    [Theory]
    [MemberData(nameof(CapturedFrames))]
    public void Build_FieldsOfFixture_EqualsFixtureBytes(string fixture, Func<byte[]> build, FrameWriter write)
    {
        _ = write;
        var expected = FrameFixtures.Load(fixture);

        var built = build();

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(built));
    }

    [Theory]
    [MemberData(nameof(CapturedFrames))]
    public void Write_FieldsOfFixture_WritesFixtureBytesAndNothingAfter(string fixture, Func<byte[]> build, FrameWriter write)
    {
        _ = build;
        var expected = FrameFixtures.Load(fixture);
        var buffer = new byte[2048];
        Array.Fill(buffer, (byte)0xee);

        var length = write(buffer);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(buffer.AsSpan(0, length)));
        Assert.All(buffer[length..], b => Assert.Equal(0xee, b));
    }

    [Fact]
    public void BuildArp_Padded_AppendsZerosUpTo60Bytes()
    {
        var captured = FrameFixtures.Load("arp-request");

        var built = FrameBuilder.BuildArp(new EthernetHeader(MacAddress.Broadcast, MacA), ArpRequest);

        Assert.Equal(FrameBuilder.MinimumFrameLength, built.Length);
        Assert.Equal(Convert.ToHexString(captured), Convert.ToHexString(built.AsSpan(0, 42)));
        Assert.All(built[42..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void BuildArp_WithTagTrailer_PutsTagInPaddingAndKeeps60Bytes()
    {
        var captured = FrameFixtures.Load("arp-request");
        var tag = new ProbeTag(0xdeadbeef00000042);

        var built = FrameBuilder.BuildArp(new EthernetHeader(MacAddress.Broadcast, MacA), ArpRequest, tag.ToArray());

        Assert.Equal(60, built.Length);
        Assert.Equal(Convert.ToHexString(captured), Convert.ToHexString(built.AsSpan(0, 42)));
        Assert.Equal(42, tag.IndexIn(built));
        Assert.All(built[54..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void BuildIcmpv4Echo_ShortPayload_PadsAfterIpPacketAndParsesBack()
    {
        var built = FrameBuilder.BuildIcmpv4Echo(AToB, Icmp4Request, new IcmpEcho(7, 9), "x"u8);

        var parsed = FrameParser.Parse(built);

        Assert.Equal(60, built.Length);
        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal("x"u8.ToArray(), parsed.Payload.ToArray());
        Assert.Equal(60 - 14 - 29, parsed.Trailer.Length);
        Assert.Equal(ChecksumStatus.Valid, parsed.TransportChecksum);
    }

    [Fact]
    public void BuildNeighborSolicitation_WithoutLinkLayerOption_ParsesAsDadSolicitation()
    {
        var ip = new Ipv6Header(System.Net.IPAddress.IPv6Any, SolicitedNodeOfB) { HopLimit = 255 };

        var built = FrameBuilder.BuildNeighborSolicitation(SolicitationEthernet, ip, new NeighborSolicitation(Ipv6B, null));
        var parsed = FrameParser.Parse(built);

        Assert.Equal(14 + 40 + 24, built.Length);
        Assert.Equal(IcmpTypes.NeighborSolicitation, parsed.IcmpType);
        Assert.Null(parsed.NeighborLinkLayerAddress);
        Assert.Equal(ChecksumStatus.Valid, parsed.TransportChecksum);
    }

    [Fact]
    public void WriteArp_DestinationTooSmall_Throws()
    {
        var buffer = new byte[59];

        Assert.Throws<ArgumentException>(() => FrameBuilder.WriteArp(buffer, AToB, ArpRequest));
    }

    [Fact]
    public void BuildUdp_Ipv6AddressInIpv4Header_Throws()
    {
        var ip = new Ipv4Header(Ipv6A, Ipv4B);

        var error = Assert.Throws<ArgumentException>(() => FrameBuilder.BuildUdp(AToB, ip, 1, 2, []));

        Assert.Contains("2001:db8::a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildArp_VlanIdOutOfRange_Throws()
    {
        var ethernet = new EthernetHeader(MacAddress.Broadcast, MacA, new VlanTagList(new VlanTag(4096)));

        Assert.Throws<ArgumentOutOfRangeException>(() => FrameBuilder.BuildArp(ethernet, ArpRequest));
    }

    [Fact]
    public void BuildDhcpOffer_PrivateOptionTooLong_Throws()
    {
        Assert.Throws<ArgumentException>(() => FrameBuilder.BuildDhcpOffer(BToA, DhcpIp, Offer, new byte[256]));
    }

    [Fact]
    public void BuildUdp_ComputedChecksumZero_SendsAllOnes()
    {
        // Find a payload whose UDP checksum comes out 0: vary two bytes until it does.
        var ip = new Ipv4Header(Ipv4A, Ipv4B);
        for (var value = 0; value <= 0xffff; value++)
        {
            byte[] payload = [(byte)(value >> 8), (byte)value];
            var built = FrameBuilder.BuildUdp(AToB, ip, 1, 2, payload, padToMinimum: false);
            var checksum = (built[14 + 20 + 6] << 8) | built[14 + 20 + 7];
            Assert.NotEqual(0, checksum);
            if (checksum == 0xffff)
            {
                Assert.Equal(ChecksumStatus.Valid, FrameParser.Parse(built).TransportChecksum);
                return;
            }
        }

        Assert.Fail("no payload produced a checksum of 0xffff");
    }
}
