using NetVirt.Audit.Probes;

namespace NetVirt.Tests.Audit.Probes;

/// <summary>The signature check over frames the Linux kernel sent (<c>Fixtures/</c>): probes match, replies do not.</summary>
public sealed class ProbeSignatureTests
{
    [Theory]
    [InlineData("arp-request", ProbeKind.ArpUnicast, true)]
    [InlineData("arp-reply", ProbeKind.ArpUnicast, false)]
    [InlineData("vlan-single-arp-request", ProbeKind.VlanTagged, true)]
    [InlineData("vlan-double-arp-request", ProbeKind.VlanDoubleTagged, true)]
    [InlineData("icmp4-echo-request", ProbeKind.Icmpv4Echo, true)]
    [InlineData("icmp4-echo-reply", ProbeKind.Icmpv4Echo, false)]
    [InlineData("icmp6-echo-request", ProbeKind.Icmpv6Echo, true)]
    [InlineData("icmp6-echo-reply", ProbeKind.Icmpv6Echo, false)]
    [InlineData("udp4", ProbeKind.Udpv4, false)]
    [InlineData("ndp-neighbor-solicitation", ProbeKind.NeighborSolicitation, true)]
    [InlineData("ndp-neighbor-advertisement", ProbeKind.NeighborSolicitation, false)]
    [InlineData("ndp-neighbor-solicitation", ProbeKind.GatewayQuery, true)]
    [InlineData("dhcp-offer", ProbeKind.RogueDhcpServer, true)]
    [InlineData("mldv2-report", ProbeKind.Icmpv6Echo, false)]
    public void Matches_KernelFrames_TellsProbesFromReplies(string fixture, ProbeKind kind, bool expected)
    {
        var frame = FrameFixtures.Load(fixture);

        Assert.Equal(expected, ProbeSignature.Matches(kind, frame, sent: []));
    }

    [Fact]
    public void Matches_FrameIdenticalToTheProbeAsSent_MatchesWithoutDecoding()
    {
        var reply = FrameFixtures.Load("icmp4-echo-reply");

        // The reply is the frame "as sent" here, so the identical copy counts whatever the kind says.
        Assert.True(ProbeSignature.Matches(ProbeKind.Icmpv4Echo, reply, reply));
        Assert.False(ProbeSignature.Matches(ProbeKind.Icmpv4Echo, reply, FrameFixtures.Load("icmp4-echo-request")));
    }

    [Fact]
    public void Matches_UdpToTheProbePort_Matches()
    {
        var buffer = new byte[128];
        var length = ProbeFrames.Udp(buffer, NetVirt.Model.Addressing.MacAddress.Parse("02:00:00:00:00:01"), NetVirt.Model.Addressing.MacAddress.Parse("02:00:00:00:00:02"),
            System.Net.IPAddress.Parse("10.0.0.1"), System.Net.IPAddress.Parse("10.0.0.2"), new ProbeTag(1));

        Assert.True(ProbeSignature.Matches(ProbeKind.Udpv4, ProbeSignature.Decode(buffer.AsSpan(0, length))));
    }
}
