using System.Net;
using NetVirt.Audit.Probes;
using NetVirt.Model.Addressing;
using PacketDotNet;

namespace NetVirt.Tests.Audit.Probes;

/// <summary>
/// The probe frames built with PacketDotNet. The goldens are what the earlier hand-written builder produced for the
/// same fields; that builder was checked byte for byte against frames the Linux kernel sent (<c>Fixtures/</c>), so a
/// probe the kernel would send identically is still built identically.
/// </summary>
public sealed class ProbeFramesTests
{
    private static readonly MacAddress Source = MacAddress.Parse("02:00:00:00:00:01");
    private static readonly MacAddress Peer = MacAddress.Parse("02:00:00:00:00:02");
    private static readonly ProbeTag Tag = new(0x1234567800000042UL);
    private static readonly IPAddress A4 = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B4 = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress A6 = IPAddress.Parse("fd00::1");
    private static readonly IPAddress B6 = IPAddress.Parse("fd00::2");

    public static TheoryData<string, string> Goldens => new()
    {
        { "arp", "FFFFFFFFFFFF020000000001080600010800060400010200000000010A0000010000000000000A0000024E5650541234567800000042000000000000" },
        { "arp-vlan", "FFFFFFFFFFFF020000000001810000C8080600010800060400010200000000010A0000010000000000000A0000014E56505412345678000000420000" },
        { "arp-qinq", "FFFFFFFFFFFF02000000000181000064810000C8080600010800060400010200000000010A0000010000000000000A0000014E5650541234567800000042" },
        { "echo4", "02000000000202000000000108004500002800004000400126D30A0000010A0000020800A1CE4E5600424E5650541234567800000042000000000000" },
        { "echo6", "02000000000202000000000186DD6000000000143A40FD000000000000000000000000000001FD00000000000000000000000000000280002F7B4E5600424E5650541234567800000042" },
        { "udp4", "02000000000202000000000108004500002800004000401126C30A0000010A0000029DD4829A0014C3BB4E5650541234567800000042000000000000" },
        { "udp6", "02000000000202000000000186DD6000000000141140FD000000000000000000000000000001FD0000000000000000000000000000029DD4829A0014DDB94E5650541234567800000042" },
        { "ns", "3333FF00000202000000000186DD6000000000303AFFFD000000000000000000000000000001FF0200000000000000000001FF000002870067EC00000000FD00000000000000000000000000000201010200000000010E024E56505412345678000000420000" },
        { "bcast-echo", "FFFFFFFFFFFF02000000000108004500002800004000400130D50A000001FFFFFFFF0800A1CE4E5600424E5650541234567800000042000000000000" },
        { "allnodes", "33330000000102000000000186DD6000000000143A40FD000000000000000000000000000001FF02000000000000000000000000000180002D7A4E5600424E5650541234567800000042" },
        { "dhcp", "FFFFFFFFFFFF0200000000010800450001480000400040112FA50A000001FFFFFFFF0043004401340169020106000000004200008000000000000A000002000000000000000000005E005301000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006382536335010236040A000001330400000E10E00C4E5650541234567800000042FF000000000000000000000000000000000000000000000000000000000000" },
    };

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Build_EveryProbeFrame_IsByteForByteTheGolden(string name, string expected)
    {
        Assert.Equal(expected, Convert.ToHexString(Build(name)));
    }

    [Theory]
    [InlineData("echo4", typeof(IcmpV4Packet))]
    [InlineData("echo6", typeof(IcmpV6Packet))]
    [InlineData("ns", typeof(IcmpV6Packet))]
    [InlineData("udp4", typeof(UdpPacket))]
    [InlineData("udp6", typeof(UdpPacket))]
    [InlineData("dhcp", typeof(UdpPacket))]
    public void Build_Checksums_ValidWhenDecodedByPacketDotNet(string name, Type transport)
    {
        var packet = ProbeSignature.Decode(Build(name));

        var ip = packet.Extract<IPPacket>();
        Assert.True(ip is not IPv4Packet v4 || v4.ValidIPChecksum);
        switch (packet.Extract<TransportPacket>() as Packet ?? packet.Extract<IcmpV4Packet>() as Packet ?? packet.Extract<IcmpV6Packet>())
        {
            case UdpPacket udp:
                Assert.Equal(typeof(UdpPacket), transport);
                Assert.True(udp.ValidUdpChecksum);
                break;
            case IcmpV4Packet icmp:
                Assert.Equal(typeof(IcmpV4Packet), transport);
                Assert.True(icmp.ValidIcmpChecksum);
                break;
            case IcmpV6Packet icmp6:
                Assert.Equal(typeof(IcmpV6Packet), transport);
                Assert.True(icmp6.ValidIcmpChecksum);
                break;
            default:
                Assert.Fail($"{name}: no transport decoded");
                break;
        }
    }

    [Theory]
    [InlineData("echo4", 36)]
    [InlineData("echo6", 56)]
    [InlineData("udp4", 40)]
    [InlineData("udp6", 60)]
    public void SpoilChecksum_OnlyTheChecksumIsWrong_RepairRestoresTheFrame(string name, int checksumAt)
    {
        var valid = Build(name);
        var quiet = valid.ToArray();

        ProbeFrames.SpoilChecksum(quiet);

        Assert.NotEqual(valid, quiet);
        Assert.Equal(Convert.ToHexString(valid.AsSpan(0, checksumAt)), Convert.ToHexString(quiet.AsSpan(0, checksumAt)));
        Assert.Equal(Convert.ToHexString(valid.AsSpan(checksumAt + 2)), Convert.ToHexString(quiet.AsSpan(checksumAt + 2)));
        var packet = ProbeSignature.Decode(quiet);
        Assert.False(packet.Extract<UdpPacket>()?.ValidUdpChecksum ?? packet.Extract<IcmpV4Packet>()?.ValidIcmpChecksum ?? packet.Extract<IcmpV6Packet>().ValidIcmpChecksum);
        ProbeFrames.RepairChecksum(quiet);
        Assert.Equal(valid, quiet);
    }

    [Theory]
    [InlineData(0x0101, 0x0303)]
    [InlineData(0xfefe, 0xfcfc)]
    [InlineData(0xffff, 0xfefe)]
    [InlineData(0x0000, 0x0101)]
    public void SpoilChecksum_NeverASumThatVerifiesNorTheZeroOfNoChecksum(int sum, int spoiled)
    {
        var frame = Build("udp4");
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(40), (ushort)sum);

        ProbeFrames.SpoilChecksum(frame);

        Assert.Equal(spoiled, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(40)));
    }

    [Fact]
    public void DoubleTagged_Arp_DecodesAsTwoCustomerTagsOuterFirst()
    {
        var packet = ProbeSignature.Decode(Build("arp-qinq"));

        var outer = packet.Extract<Ieee8021QPacket>();
        Assert.Equal(100, outer.VlanIdentifier);
        Assert.Equal(200, ((Ieee8021QPacket)outer.PayloadPacket).VlanIdentifier);
        Assert.Equal(ArpOperation.Request, packet.Extract<ArpPacket>().Operation);
    }

    [Theory]
    [InlineData("echo4", true)]
    [InlineData("arp", true)]
    [InlineData("dhcp", true)]
    [InlineData("ns", true)]
    public void Build_TagIsFoundInTheFrame(string name, bool found)
    {
        Assert.Equal(found, ProbeTag.TryFind(Build(name), out var tag, out _) && tag == Tag);
    }

    [Fact]
    public void NeighborSolicitation_GoesToTheSolicitedNodeGroupWithHopLimit255()
    {
        var packet = ProbeSignature.Decode(Build("ns"));

        Assert.Equal("3333FF000002", Convert.ToHexString(((EthernetPacket)packet).DestinationHardwareAddress.GetAddressBytes()));
        Assert.Equal(255, packet.Extract<IPv6Packet>().HopLimit);
        Assert.Equal(B6, packet.Extract<NdpNeighborSolicitationPacket>().TargetAddress);
    }

    private static byte[] Build(string name)
    {
        var buffer = new byte[512];
        var length = name switch
        {
            "arp" => ProbeFrames.Arp(buffer, Source, MacAddress.Broadcast, Source, A4, B4, Tag),
            "arp-vlan" => ProbeFrames.Arp(buffer, Source, MacAddress.Broadcast, Source, A4, A4, Tag, [200]),
            "arp-qinq" => ProbeFrames.Arp(buffer, Source, MacAddress.Broadcast, Source, A4, A4, Tag, [100, 200]),
            "echo4" => ProbeFrames.Echo(buffer, Source, Peer, A4, B4, Tag),
            "echo6" => ProbeFrames.Echo(buffer, Source, Peer, A6, B6, Tag),
            "udp4" => ProbeFrames.Udp(buffer, Source, Peer, A4, B4, Tag),
            "udp6" => ProbeFrames.Udp(buffer, Source, Peer, A6, B6, Tag),
            "ns" => ProbeFrames.NeighborSolicitation(buffer, Source, A6, B6, Tag),
            "bcast-echo" => ProbeFrames.BroadcastEcho(buffer, Source, A4, Tag),
            "allnodes" => ProbeFrames.AllNodesEcho(buffer, Source, A6, Tag),
            "dhcp" => ProbeFrames.DhcpOffer(buffer, Source, A4, B4, Tag),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        return buffer[..length];
    }
}
