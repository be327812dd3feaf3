using System.Net.Sockets;
using NetVirt.Audit.Expectations;
using NetVirt.Model.Addressing;
using PacketDotNet;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Topology;

namespace NetVirt.Tests.Audit.Probes;

public sealed class ProbePlannerTests
{
    private readonly NetVirt.Audit.Topology.AuditTopology topology = AuditModels.Topology();

    private (ProbePlan Plan, IReadOnlyList<GatewayQuery> Queries) Planned(bool gatewaysAnswer = true, AuditTopology? of = null)
    {
        var plan = new ProbePlan(of ?? topology, 0x1234);
        var queries = ProbePlanner.PlanDiscovery(plan);
        var gateways = new GatewayMacs();
        if (gatewaysAnswer)
        {
            foreach (var q in queries)
            {
                gateways.Set(q.Network, q.Family, MacAddress.Parse("02:ee:00:00:00:01"));
            }
        }

        ProbePlanner.PlanProbes(plan, gateways);
        return (plan, queries);
    }

    [Fact]
    public void PlanDiscovery_OneQueryPerGatewayAskedByAMemberOfItsNetwork()
    {
        var (_, queries) = Planned();

        Assert.Equal(["db/InterNetwork", "gx/InterNetwork", "web/InterNetwork", "web/InterNetworkV6"], queries.Select(q => $"{q.Network}/{q.Family}").Order());
        Assert.All(queries, q => Assert.Equal(q.Network, topology.Endpoints[q.Asker].Network!.Name));
    }

    [Fact]
    public void PlanProbes_SpoofingFollowsEachVnicsProtection()
    {
        var (plan, _) = Planned();
        var spoofs = plan.Probes.Where(p => ProbeKinds.Category(p.Kind) == ProbeCategory.Spoofing).ToLookup(p => topology.Endpoints[p.Source].Name, p => p.Kind);

        Assert.Empty(spoofs["w2/net0"]); // protection: []
        Assert.Equal([ProbeKind.SpoofSourceMac, ProbeKind.SpoofSourceIpv4, ProbeKind.SpoofSourceIpv6, ProbeKind.SpoofArpSender], spoofs["w1/net0"]);
        Assert.Contains(ProbeKind.RogueDhcpServer, spoofs["g1/net0"]);
    }

    [Fact]
    public void PlanProbes_VlanHoppingWithEveryOtherVlanOfTheSameEtherstubOnly()
    {
        var (plan, _) = Planned();
        var hops = plan.Probes.Where(p => ProbeKinds.Category(p.Kind) == ProbeCategory.VlanHopping).ToLookup(p => topology.Endpoints[p.Source].Name);

        Assert.Equal([101, 101, 200, 200], hops["w1/net0"].Select(p => p.Vlan).Order());
        Assert.Empty(hops["d1/net1"]);
        var doubled = hops["w1/net0"].First(p => p.Kind == ProbeKind.VlanDoubleTagged);
        var outer = ProbeSignature.Decode(plan.FrameOf(doubled.Index)).Extract<Ieee8021QPacket>();
        Assert.Equal(100, outer.VlanIdentifier);
        var inner = Assert.IsType<Ieee8021QPacket>(outer.PayloadPacket);
        Assert.Equal(doubled.Vlan, inner.VlanIdentifier);
        Assert.IsType<ArpPacket>(inner.PayloadPacket);
    }

    [Fact]
    public void PlanProbes_LayerThreeToAnotherDomainGoesToTheGatewayOnlyWhenItAnswered()
    {
        var w1 = topology.E("w1/net0").Index;
        var d1 = topology.E("d1/net0").Index;
        var (answered, _) = Planned();
        var (silent, _) = Planned(gatewaysAnswer: false);

        var echo = answered.Probes.Single(p => p.Kind == ProbeKind.Icmpv4Echo && p.Source == w1 && p.Target == d1);
        Assert.True(echo.ViaGateway);
        Assert.Equal(MacAddress.Parse("02:ee:00:00:00:01"), Destination(answered.FrameOf(echo.Index)));
        var direct = silent.Probes.Single(p => p.Kind == ProbeKind.Icmpv4Echo && p.Source == w1 && p.Target == d1);
        Assert.False(direct.ViaGateway);
        Assert.Equal(topology.E("d1/net0").Mac, Destination(silent.FrameOf(direct.Index)));
    }

    [Fact]
    public void Expect_UnicastFloodInOwnDomainMay_ElsewhereMustNot_TargetByThePathRule()
    {
        var (plan, _) = Planned();
        var w1 = topology.E("w1/net0").Index;
        var arp = plan.Probes.Single(p => p.Kind == ProbeKind.ArpUnicast && p.Source == w1 && p.Target == topology.E("g1/net0").Index);

        Assert.Equal(Expectation.MustNot, plan.Expect(arp, arp.Target));
        Assert.Equal(Expectation.May, plan.Expect(arp, topology.E("w2/net0").Index));
        Assert.Equal(Expectation.MustNot, plan.Expect(arp, topology.E("d1/net0").Index));
        var v6 = plan.Probes.Single(p => p.Kind == ProbeKind.Icmpv6Echo && p.Source == w1 && p.Target == topology.E("w2/net0").Index);
        Assert.Equal(Expectation.Must, plan.Expect(v6, v6.Target));
        Assert.Equal(AddressFamily.InterNetworkV6, ProbePlan.JudgedFamily(v6.Kind));
    }

    [Fact]
    public void Tags_CarryTheRunNonceAndIndex_ForeignTagsAreIgnored()
    {
        var (plan, _) = Planned();
        var last = plan.Count - 1;

        Assert.True(ProbeTag.TryFind(plan.FrameOf(last), out var tag, out _));
        Assert.Equal(last, plan.IndexOf(tag));
        Assert.Equal(-1, plan.IndexOf(new ProbeTag(((ulong)0x9999 << 32) | 1)));
        Assert.Equal(-1, plan.IndexOf(new ProbeTag(((ulong)0x1234 << 32) | (uint)plan.Count)));
    }

    [Fact]
    public void PlanProbes_QuietWhereThePeerMustReceive_ValidWhereItMustNot()
    {
        var (plan, _) = Planned();
        var w1 = topology.E("w1/net0");
        var w2 = topology.E("w2/net0");
        var d1 = topology.E("d1/net0");
        var g1 = topology.E("g1/net0");
        Probe Of(ProbeKind kind, AuditEndpoint s, AuditEndpoint t) => plan.Probes.Single(p => p.Kind == kind && p.Source == s.Index && p.Target == t.Index);

        Assert.True(Of(ProbeKind.Icmpv4Echo, w1, w2).Quiet); // same domain
        Assert.True(Of(ProbeKind.Udpv6, w1, w2).Quiet);
        Assert.True(Of(ProbeKind.Udpv4, w1, d1).Quiet); // routed by acme's router
        Assert.False(Of(ProbeKind.Icmpv4Echo, w1, g1).Quiet); // another tenant: must not cross, so the real frame
        Assert.False(ProbeSignature.Decode(plan.FrameOf(Of(ProbeKind.Icmpv4Echo, w1, w2).Index)).Extract<IcmpV4Packet>().ValidIcmpChecksum);
        Assert.True(ProbeSignature.Decode(plan.FrameOf(Of(ProbeKind.Icmpv4Echo, w1, g1).Index)).Extract<IcmpV4Packet>().ValidIcmpChecksum);

        var arp = ProbeSignature.Decode(plan.FrameOf(Of(ProbeKind.ArpUnicast, w1, w2).Index)).Extract<ArpPacket>();
        Assert.Equal(arp.SenderProtocolAddress, arp.TargetProtocolAddress); // an announcement: the peer does not answer
        var ns = plan.Probes.Single(p => p.Kind == ProbeKind.NeighborSolicitation && p.Target == w2.Index && ToGroup(plan, p));
        var solicited = ProbeSignature.Decode(plan.FrameOf(ns.Index));
        var peer = w2.AddressOf(AddressFamily.InterNetworkV6)!;
        Assert.Equal(ProbeFrames.SolicitedNodeAddress(peer), solicited.Extract<IPv6Packet>().DestinationAddress); // the peer's group
        Assert.NotEqual(peer, new System.Net.IPAddress(solicited.Extract<IcmpV6Packet>().Bytes.AsSpan(8, 16))); // not its address

        var quiet = Of(ProbeKind.Udpv4, w1, w2);
        plan.Repair(quiet.Index);
        Assert.True(ProbeSignature.Decode(plan.FrameOf(quiet.Index)).Extract<UdpPacket>().ValidUdpChecksum);
    }

    // A solicitation to a group floods the whole domain (no bridge learns the zones' groups), so a full audit sends each
    // VNIC one to its group, from the VNIC before it in its domain, and every other VNIC of the domain addresses its
    // solicitation to it alone: N floods per domain, not one per ordered pair (N times N).
    [Fact]
    public void PlanProbes_Full_EachVnicSendsAndReceivesOneSolicitationToAGroupInItsDomain_TheOthersAddressedToThePeer()
    {
        // w3 with IPv6 too: three VNICs of web with IPv6, so a VNIC that sent to every peer's group would send two.
        var topology = AuditModels.Topology(AuditModels.Routed.Replace(
            "addresses: [ { tag: a, address: 10.1.0.13/24 } ]", "addresses: [ { tag: a, address: 10.1.0.13/24 }, { tag: b, address: \"fd01::13/64\" } ]", StringComparison.Ordinal));
        var (plan, _) = Planned(of: topology);
        var inDomain = plan.Probes.Where(p => p.Kind == ProbeKind.NeighborSolicitation && p.Target >= 0
            && topology.Endpoints[p.Source].Domain == topology.Endpoints[p.Target].Domain).ToList();
        var v6 = topology.Endpoints.Where(e => e.AddressOf(AddressFamily.InterNetworkV6) is not null).ToList();
        var pairs = v6.Sum(e => v6.Count(o => o.Index != e.Index && o.Domain == e.Domain));

        Assert.Equal(3, v6.Count(e => e.Domain == topology.E("w1/net0").Domain));
        Assert.Equal(pairs, inDomain.Count); // every ordered pair still gets one
        foreach (var e in v6.Where(e => v6.Count(o => o.Domain == e.Domain) > 1))
        {
            Assert.Single(inDomain, p => p.Source == e.Index && ToGroup(plan, p));
            Assert.Single(inDomain, p => p.Target == e.Index && ToGroup(plan, p));
        }

        Assert.All(inDomain.Where(p => !ToGroup(plan, p)), p =>
        {
            var frame = ProbeSignature.Decode(plan.FrameOf(p.Index));
            var peer = topology.Endpoints[p.Target];
            Assert.Equal(peer.Mac, Destination(plan.FrameOf(p.Index)));
            Assert.Equal(peer.AddressOf(AddressFamily.InterNetworkV6), frame.Extract<IPv6Packet>().DestinationAddress);
        });
    }

    private static bool ToGroup(ProbePlan plan, Probe probe) => Destination(plan.FrameOf(probe.Index)).ToString().StartsWith("33:33:ff", StringComparison.OrdinalIgnoreCase);

    // The frames live in chunks: one array doubled past 1 GiB overflowed its length (a full audit of 2,000 VNICs never
    // finished). Frames of several sizes across more than two chunks read back exactly, tags included.
    [Fact]
    public void Add_FramesPastSeveralChunks_EachReadsBackAsWritten()
    {
        var w1 = topology.E("w1/net0");
        var w2 = topology.E("w2/net0");
        var plan = new ProbePlan(topology, 0x1234);
        var count = (2 * ProbePlan.ChunkBytes / 100) + 1_000;
        for (var i = 0; i < count; i++)
        {
            var size = 60 + (i % 200);
            plan.Add(ProbeKind.Learn, w1.Index, w2.Index, (d, tag) =>
            {
                d[..size].Fill((byte)i);
                BitConverter.TryWriteBytes(d[..8], tag.Id);
                return size;
            });
        }

        plan.Publish();
        Assert.Equal(count, plan.Count);
        for (var i = 0; i < count; i++)
        {
            var frame = plan.FrameOf(i);
            Assert.Equal(60 + (i % 200), frame.Length);
            Assert.Equal(plan.TagOf(i).Id, BitConverter.ToUInt64(frame[..8]));
            Assert.True(frame[8..].IndexOfAnyExcept((byte)i) < 0, $"frame {i} was overwritten");
        }
    }

    [Theory]
    [InlineData(AddressFamily.InterNetwork)]
    [InlineData(AddressFamily.InterNetworkV6)]
    public void FindIn_EchoWhoseHeaderSpellsTheMagic_IsStillItsOwnProbe(AddressFamily family)
    {
        // Identifier "NV" and sequence 0x5054 ("PT", the index's low 16 bits) put NVPT in the ICMP header, before the tag.
        var w1 = topology.E("w1/net0");
        var w2 = topology.E("w2/net0");
        var plan = new ProbePlan(topology, 0x1234);
        for (var i = 0; i < 0x5054; i++)
        {
            plan.Add(ProbeKind.Learn, w1.Index, -1, (d, tag) => ProbeFrames.Arp(d, w1.Mac, w1.Mac, w1.Mac, w1.AddressOf(AddressFamily.InterNetwork)!, w1.AddressOf(AddressFamily.InterNetwork)!, tag));
        }

        var echo = plan.Add(family == AddressFamily.InterNetwork ? ProbeKind.Icmpv4Echo : ProbeKind.Icmpv6Echo, w1.Index, w2.Index,
            (d, tag) => ProbeFrames.Echo(d, w1.Mac, w2.Mac, w1.AddressOf(family)!, w2.AddressOf(family)!, tag));
        plan.Publish();
        var frame = plan.FrameOf(echo.Index);

        Assert.True(ProbeTag.TryFind(frame, out var first, out _));
        Assert.Equal(-1, plan.IndexOf(first)); // the header's NVPT comes first and names no probe
        Assert.Equal(echo.Index, plan.FindIn(frame));
        Assert.Equal(-1, plan.FindIn(new byte[64]));
    }

    private static MacAddress Destination(ReadOnlySpan<byte> frame) =>
        MacAddress.FromBytes(((EthernetPacket)ProbeSignature.Decode(frame)).DestinationHardwareAddress.GetAddressBytes());
}
