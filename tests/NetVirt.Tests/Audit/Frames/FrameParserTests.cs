using System.Net;
using NetVirt.Audit.Frames;
using static NetVirt.Tests.Audit.Frames.FixtureFields;

namespace NetVirt.Tests.Audit.Frames;

public sealed class FrameParserTests
{
    [Fact]
    public void Parse_ArpRequestFixture_DecodesArpFields()
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load("arp-request"));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(MacAddress.Broadcast, parsed.Destination);
        Assert.Equal(MacA, parsed.Source);
        Assert.Equal(0, parsed.VlanTags.Count);
        Assert.Equal(EtherTypes.Arp, parsed.EtherType);
        Assert.Equal(NetworkLayer.Arp, parsed.Network);
        Assert.Equal(ArpOperation.Request, parsed.ArpOperation);
        Assert.Equal(MacA, parsed.ArpSenderHardwareAddress);
        Assert.Equal(Ipv4A, new IPAddress(parsed.ArpSenderProtocolAddress));
        Assert.Equal(MacAddress.Zero, parsed.ArpTargetHardwareAddress);
        Assert.Equal(Ipv4B, new IPAddress(parsed.ArpTargetProtocolAddress));
        Assert.Equal(28, parsed.NetworkPacket.Length);
        Assert.True(parsed.Trailer.IsEmpty);
        Assert.Equal(TransportLayer.None, parsed.Transport);
    }

    [Fact]
    public void Parse_ArpReplyFixture_DecodesArpFields()
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load("arp-reply"));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(MacA, parsed.Destination);
        Assert.Equal(MacB, parsed.Source);
        Assert.Equal(ArpOperation.Reply, parsed.ArpOperation);
        Assert.Equal(MacB, parsed.ArpSenderHardwareAddress);
        Assert.Equal(Ipv4B, new IPAddress(parsed.ArpSenderProtocolAddress));
        Assert.Equal(MacA, parsed.ArpTargetHardwareAddress);
        Assert.Equal(Ipv4A, new IPAddress(parsed.ArpTargetProtocolAddress));
    }

    [Theory]
    [InlineData("icmp4-echo-request", IcmpTypes.EchoRequest, "192.0.2.10", "192.0.2.11", 47217, true)]
    [InlineData("icmp4-echo-reply", IcmpTypes.EchoReply, "192.0.2.11", "192.0.2.10", 25447, false)]
    public void Parse_Icmpv4EchoFixture_DecodesIpAndEcho(string fixture, byte type, string source, string destination, int id, bool dontFragment)
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load(fixture));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(NetworkLayer.Ipv4, parsed.Network);
        Assert.Equal(IPAddress.Parse(source), new IPAddress(parsed.SourceAddress));
        Assert.Equal(IPAddress.Parse(destination), new IPAddress(parsed.DestinationAddress));
        Assert.Equal(IpProtocols.Icmp, parsed.Protocol);
        Assert.Equal(64, parsed.HopLimit);
        Assert.Equal(id, parsed.Identification);
        Assert.Equal(dontFragment, parsed.DontFragment);
        Assert.False(parsed.IsFragment);
        Assert.Equal(ChecksumStatus.Valid, parsed.Ipv4HeaderChecksum);
        Assert.Equal(TransportLayer.Icmpv4, parsed.Transport);
        Assert.Equal(type, parsed.IcmpType);
        Assert.Equal(0, parsed.IcmpCode);
        Assert.True(parsed.IsEcho);
        Assert.Equal(EchoIdentifier, parsed.EchoIdentifier);
        Assert.Equal(1, parsed.EchoSequenceNumber);
        Assert.Equal(ChecksumStatus.Valid, parsed.TransportChecksum);
        Assert.Equal(Icmp4Payload, parsed.Payload.ToArray());
        Assert.True(parsed.Trailer.IsEmpty);
    }

    [Theory]
    [InlineData("icmp6-echo-request", IcmpTypes.Icmpv6EchoRequest, "2001:db8::a", "2001:db8::b", 0xaf08c)]
    [InlineData("icmp6-echo-reply", IcmpTypes.Icmpv6EchoReply, "2001:db8::b", "2001:db8::a", 0x60281)]
    public void Parse_Icmpv6EchoFixture_DecodesIpAndEcho(string fixture, byte type, string source, string destination, uint flowLabel)
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load(fixture));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(NetworkLayer.Ipv6, parsed.Network);
        Assert.Equal(IPAddress.Parse(source), new IPAddress(parsed.SourceAddress));
        Assert.Equal(IPAddress.Parse(destination), new IPAddress(parsed.DestinationAddress));
        Assert.Equal(IpProtocols.Icmpv6, parsed.Protocol);
        Assert.Equal(64, parsed.HopLimit);
        Assert.Equal(flowLabel, parsed.FlowLabel);
        Assert.Equal(ChecksumStatus.NotChecked, parsed.Ipv4HeaderChecksum);
        Assert.Equal(TransportLayer.Icmpv6, parsed.Transport);
        Assert.Equal(type, parsed.IcmpType);
        Assert.True(parsed.IsEcho);
        Assert.Equal(EchoIdentifier, parsed.EchoIdentifier);
        Assert.Equal(1, parsed.EchoSequenceNumber);
        Assert.Equal(ChecksumStatus.Valid, parsed.TransportChecksum);
        Assert.Equal(Icmp6Payload, parsed.Payload.ToArray());
    }

    [Fact]
    public void Parse_Udp4Fixture_DecodesPortsPayloadAndChecksum()
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load("udp4"));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(Ipv4A, new IPAddress(parsed.SourceAddress));
        Assert.Equal(Ipv4B, new IPAddress(parsed.DestinationAddress));
        Assert.Equal(151, parsed.Identification);
        Assert.Equal(TransportLayer.Udp, parsed.Transport);
        Assert.Equal(UdpSourcePort, parsed.SourcePort);
        Assert.Equal(UdpDestinationPort, parsed.DestinationPort);
        Assert.Equal(ChecksumStatus.Valid, parsed.TransportChecksum);
        Assert.Equal(Udp4Payload, parsed.Payload.ToArray());
        Assert.Equal(28, parsed.TransportSegment.Length);
        Assert.False(parsed.IsDhcp);
    }

    [Fact]
    public void Parse_Udp6Fixture_DecodesPortsPayloadAndChecksum()
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load("udp6"));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(Ipv6A, new IPAddress(parsed.SourceAddress));
        Assert.Equal(Ipv6B, new IPAddress(parsed.DestinationAddress));
        Assert.Equal(0x2c0f2u, parsed.FlowLabel);
        Assert.Equal(TransportLayer.Udp, parsed.Transport);
        Assert.Equal(UdpSourcePort, parsed.SourcePort);
        Assert.Equal(UdpDestinationPort, parsed.DestinationPort);
        Assert.Equal(ChecksumStatus.Valid, parsed.TransportChecksum);
        Assert.Equal(Udp6Payload, parsed.Payload.ToArray());
    }

    [Fact]
    public void Parse_NeighborSolicitationFixture_DecodesTargetAndSourceLinkLayerAddress()
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load("ndp-neighbor-solicitation"));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(MacAddress.Parse("33:33:ff:00:00:0b"), parsed.Destination);
        Assert.Equal(IPAddress.Parse("ff02::1:ff00:b"), new IPAddress(parsed.DestinationAddress));
        Assert.Equal(255, parsed.HopLimit);
        Assert.Equal(IcmpTypes.NeighborSolicitation, parsed.IcmpType);
        Assert.False(parsed.IsEcho);
        Assert.Equal(Ipv6B, new IPAddress(parsed.NeighborTargetAddress));
        Assert.Equal(MacA, parsed.NeighborLinkLayerAddress);
        Assert.Equal(ChecksumStatus.Valid, parsed.TransportChecksum);
        Assert.Equal(8, parsed.Payload.Length); // the options
    }

    [Fact]
    public void Parse_NeighborAdvertisementFixture_DecodesFlagsTargetAndTargetLinkLayerAddress()
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load("ndp-neighbor-advertisement"));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(IcmpTypes.NeighborAdvertisement, parsed.IcmpType);
        Assert.Equal(NeighborAdvertisementFlags.Solicited | NeighborAdvertisementFlags.Override, parsed.NeighborAdvertisementFlags);
        Assert.Equal(Ipv6B, new IPAddress(parsed.NeighborTargetAddress));
        Assert.Equal(MacB, parsed.NeighborLinkLayerAddress);
        Assert.Equal(ChecksumStatus.Valid, parsed.TransportChecksum);
    }

    [Fact]
    public void Parse_DadSolicitationFixture_SkipsNonceOptionAndHasNoLinkLayerAddress()
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load("ndp-dad-neighbor-solicitation"));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(IPAddress.IPv6Any, new IPAddress(parsed.SourceAddress));
        Assert.Equal(IPAddress.Parse("2001:db8::c"), new IPAddress(parsed.NeighborTargetAddress));
        Assert.Null(parsed.NeighborLinkLayerAddress);
        Assert.Equal(14, parsed.Payload[0]); // the nonce option (RFC 7527)
        Assert.Equal(ChecksumStatus.Valid, parsed.TransportChecksum);
    }

    [Fact]
    public void Parse_Mldv2ReportFixture_SkipsHopByHopHeaderAndVerifiesChecksum()
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load("mldv2-report"));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(IpProtocols.Icmpv6, parsed.Protocol);
        Assert.Equal(TransportLayer.Icmpv6, parsed.Transport);
        Assert.Equal(143, parsed.IcmpType); // MLDv2 listener report
        Assert.Equal(1, parsed.HopLimit);
        Assert.Equal(ChecksumStatus.Valid, parsed.TransportChecksum);
        Assert.Equal(48, parsed.TransportSegment.Length); // 56 bytes of payload minus the 8-byte hop-by-hop header
    }

    [Fact]
    public void Parse_DhcpOfferFixture_DecodesBootpAndOptions()
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load("dhcp-offer"));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.True(parsed.IsDhcp);
        Assert.Equal(DhcpOffer.ServerPort, parsed.SourcePort);
        Assert.Equal(DhcpOffer.ClientPort, parsed.DestinationPort);
        Assert.Equal(0x10, parsed.TrafficClass);
        Assert.Equal(128, parsed.HopLimit);
        Assert.Equal(ChecksumStatus.Valid, parsed.Ipv4HeaderChecksum);
        Assert.Equal(ChecksumStatus.Valid, parsed.TransportChecksum);
        Assert.True(FrameParser.TryParseDhcp(parsed.Payload, out var dhcp));
        Assert.Equal(2, dhcp.Operation);
        Assert.Equal(0x4e565054u, dhcp.TransactionId);
        Assert.False(dhcp.Broadcast);
        Assert.Equal(DhcpMessageType.Offer, dhcp.MessageType);
        Assert.Equal(Ipv4A, new IPAddress(dhcp.YourAddress));
        Assert.Equal(Ipv4B, new IPAddress(dhcp.ServerIdentifier));
        Assert.Equal(IPAddress.Any, new IPAddress(dhcp.NextServerAddress));
        Assert.Equal(MacA, dhcp.ClientHardwareAddress);
        Assert.Equal(3600u, dhcp.LeaseSeconds);
        Assert.True(dhcp.TryGetOption(1, out var mask));
        Assert.Equal(IPAddress.Parse("255.255.255.0"), new IPAddress(mask));
        Assert.True(dhcp.TryGetOption(DhcpOffer.PrivateOptionCode, out var tag));
        Assert.Equal(DhcpTag.ToArray(), tag.ToArray());
        Assert.False(dhcp.TryGetOption(6, out _));
    }

    [Fact]
    public void Parse_SingleTaggedFixture_DecodesTagArpAndTrailerTag()
    {
        var frame = FrameFixtures.Load("vlan-single-arp-request");

        var parsed = FrameParser.Parse(frame);

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(1, parsed.VlanTags.Count);
        Assert.Equal(new VlanTag(100, 5, false, EtherTypes.Vlan), parsed.VlanTags[0]);
        Assert.Equal((ushort)100, parsed.VlanTags.InnermostVlanId);
        Assert.Equal(EtherTypes.Arp, parsed.EtherType);
        Assert.Equal(ArpOperation.Request, parsed.ArpOperation);
        Assert.Equal(Ipv4B, new IPAddress(parsed.ArpTargetProtocolAddress));
        Assert.Equal(14, parsed.Trailer.Length); // the tag, then 2 bytes of padding up to 60
        Assert.True(ProbeTag.TryFind(parsed.Trailer, out var tag, out var offset));
        Assert.Equal(0, offset);
        Assert.Equal(VlanFixtureTag, tag);
    }

    [Fact]
    public void Parse_DoubleTaggedFixture_DecodesBothTagsOuterFirst()
    {
        var parsed = FrameParser.Parse(FrameFixtures.Load("vlan-double-arp-request"));

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(2, parsed.VlanTags.Count);
        Assert.Equal(VlanTag.Service(300), parsed.VlanTags[0]);
        Assert.Equal(VlanTag.Customer(100), parsed.VlanTags[1]);
        Assert.Equal(EtherTypes.Arp, parsed.EtherType);
        Assert.Equal(MacA, parsed.ArpSenderHardwareAddress);
        Assert.True(ProbeTag.TryFind(parsed.Frame, out var tag, out var offset));
        Assert.Equal(VlanFixtureTag, tag);
        Assert.Equal(50, offset);
    }

    [Fact]
    public void Parse_ThreeTags_ReportsTooManyVlanTags()
    {
        var frame = FrameFixtures.Load("vlan-double-arp-request");
        byte[] tripled = [.. frame[..12], 0x81, 0x00, 0x00, 0x07, .. frame[12..]];

        var parsed = FrameParser.Parse(tripled);

        Assert.Equal(FrameError.TooManyVlanTags, parsed.Error);
        Assert.Equal(MacA, parsed.Source);
    }

    [Fact]
    public void Parse_CorruptedIcmpByte_ReportsInvalidChecksumWithoutThrowing()
    {
        var frame = FrameFixtures.Load("icmp4-echo-request");
        frame[^1] ^= 0x01;

        var parsed = FrameParser.Parse(frame);

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(ChecksumStatus.Valid, parsed.Ipv4HeaderChecksum);
        Assert.Equal(ChecksumStatus.Invalid, parsed.TransportChecksum);
        Assert.False(parsed.ChecksumsValid);
    }

    [Fact]
    public void Parse_CorruptedIpv4HeaderByte_ReportsInvalidHeaderChecksum()
    {
        var frame = FrameFixtures.Load("udp4");
        frame[14 + 8] = 1; // TTL

        var parsed = FrameParser.Parse(frame);

        Assert.Equal(ChecksumStatus.Invalid, parsed.Ipv4HeaderChecksum);
    }

    [Fact]
    public void Parse_CorruptedUdp6PayloadByte_ReportsInvalidChecksum()
    {
        var frame = FrameFixtures.Load("udp6");
        frame[^3] ^= 0x80;

        Assert.Equal(ChecksumStatus.Invalid, FrameParser.Parse(frame).TransportChecksum);
    }

    [Fact]
    public void Parse_Udp4WithZeroChecksum_ReportsAbsent()
    {
        var frame = FrameFixtures.Load("udp4");
        frame[14 + 20 + 6] = 0;
        frame[14 + 20 + 7] = 0;

        Assert.Equal(ChecksumStatus.Absent, FrameParser.Parse(frame).TransportChecksum);
    }

    [Fact]
    public void Parse_Udp6WithZeroChecksum_ReportsInvalid()
    {
        var frame = FrameFixtures.Load("udp6");
        frame[14 + 40 + 6] = 0;
        frame[14 + 40 + 7] = 0;

        Assert.Equal(ChecksumStatus.Invalid, FrameParser.Parse(frame).TransportChecksum);
    }

    [Theory]
    [InlineData("arp-request", 20, FrameError.ArpTruncated)]
    [InlineData("udp4", 30, FrameError.IpTruncated)]
    [InlineData("udp4", 50, FrameError.IpTruncated)]
    [InlineData("icmp6-echo-request", 50, FrameError.IpTruncated)]
    [InlineData("vlan-single-arp-request", 15, FrameError.VlanTagTruncated)]
    [InlineData("arp-request", 13, FrameError.EthernetTruncated)]
    [InlineData("arp-request", 0, FrameError.EthernetTruncated)]
    public void Parse_TruncatedFixture_ReportsWhereItStopped(string fixture, int keep, FrameError expected)
    {
        var frame = FrameFixtures.Load(fixture)[..keep];

        var parsed = FrameParser.Parse(frame);

        Assert.Equal(expected, parsed.Error);
    }

    [Fact]
    public void Parse_UdpLengthBeyondIpPayload_ReportsTransportTruncated()
    {
        var frame = FrameFixtures.Load("udp4");
        frame[14 + 20 + 5] = 0xff; // UDP length 0x00ff, larger than what the IP packet holds

        Assert.Equal(FrameError.TransportTruncated, FrameParser.Parse(frame).Error);
    }

    [Fact]
    public void Parse_NeighborOptionWithZeroLength_ReportsTransportMalformed()
    {
        var frame = FrameFixtures.Load("ndp-neighbor-solicitation");
        frame[14 + 40 + 24 + 1] = 0; // option length 0 is invalid (RFC 4861 section 4.6)

        Assert.Equal(FrameError.TransportMalformed, FrameParser.Parse(frame).Error);
    }

    [Fact]
    public void Parse_Ipv4Fragment_DoesNotDecodeTransport()
    {
        var built = FrameBuilder.BuildUdp(AToB, Udp4, 1, 2, new byte[16], padToMinimum: false);
        built[14 + 6] = 0x20; // more-fragments

        var parsed = FrameParser.Parse(built);

        Assert.True(parsed.IsFragment);
        Assert.Equal(TransportLayer.None, parsed.Transport);
        Assert.Equal(24, parsed.Payload.Length);
    }

    [Fact]
    public void Parse_UnknownEtherType_ExposesRestAsPayload()
    {
        var built = FrameBuilder.BuildEthernet(AToB, EtherTypes.LocalExperimental1, "probe"u8);

        var parsed = FrameParser.Parse(built);

        Assert.Equal(NetworkLayer.Other, parsed.Network);
        Assert.Equal(46, parsed.Payload.Length);
        Assert.True(parsed.Payload.StartsWith("probe"u8));
        Assert.True(parsed.Trailer.IsEmpty);
    }

    [Fact]
    public void Parse_PaddedIcmpFrame_SeparatesTrailerFromPayload()
    {
        var tag = new ProbeTag(99);
        var built = FrameBuilder.BuildIcmpv4Echo(AToB, Icmp4Request, new IcmpEcho(1, 2), tag.ToArray(), trailer: [0xaa, 0xbb]);

        var parsed = FrameParser.Parse(built);

        Assert.Equal(tag.ToArray(), parsed.Payload.ToArray());
        Assert.Equal(60 - 14 - 20 - 8 - 12, parsed.Trailer.Length);
        Assert.True(parsed.Trailer.StartsWith((ReadOnlySpan<byte>)[0xaa, 0xbb]));
    }

    [Fact]
    public void TryParseDhcp_NoMagicCookie_ReturnsFalse()
    {
        var payload = new byte[300];

        Assert.False(FrameParser.TryParseDhcp(payload, out _));
        Assert.False(FrameParser.TryParseDhcp(payload.AsSpan(0, 100), out _));
    }
}
