using System.Net;
using System.Net.Sockets;
using NetVirt.Audit.Expectations;
using NetVirt.Model.Addressing;
using NetVirt.Audit.Topology;
using NetVirt.Model.Spec;

namespace NetVirt.Audit.Probes;

/// <summary>
/// Decides which probes an audit sends, purely from the topology. Sending is once per source wherever one frame
/// answers for every peer (ARP broadcast, spoofing, VLAN hopping), and one small frame per peer and kind otherwise;
/// every frame is captured by every endpoint in the same run, so the cost grows with the number of frames, not with
/// rounds of probing. Two stages: <see cref="PlanDiscovery"/> (broadcasts, which also teach the bridges every MAC, and
/// the gateway queries) and <see cref="PlanProbes"/> once the gateways' MACs are known.
/// </summary>
public static class ProbePlanner
{
    /// <summary>UDP port probes are sent to (the traceroute port: nothing listens there).</summary>
    public const ushort UdpPort = 33434;

    /// <summary>UDP source port of probes.</summary>
    public const ushort UdpSourcePort = 40404;

    /// <summary>ICMP echo identifier of probes ("NV").</summary>
    public const ushort EchoIdentifier = 0x4e56;

    /// <summary>
    /// Adds the ARP broadcasts (of every endpoint in a full audit, of each class's representative in a stratified one;
    /// the other members send a <see cref="ProbeKind.Learn"/> frame instead, so the bridges know every MAC without a
    /// flood per member), and one query per network gateway (ARP for IPv4, a neighbour solicitation for IPv6) from the
    /// first endpoint of that network able to ask. Returns the queries: (network, family, gateway, asking endpoint).
    /// </summary>
    public static IReadOnlyList<GatewayQuery> PlanDiscovery(ProbePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var endpoints = plan.Topology.Endpoints;
        var classes = plan.Classes;
        foreach (var e in endpoints)
        {
            var own = e.AddressOf(AddressFamily.InterNetwork);
            if (classes.All[classes.ClassOf(e.Index)].Representative == e.Index)
            {
                if (own is not null)
                {
                    plan.Add(ProbeKind.ArpBroadcast, e.Index, -1, (d, tag) => ProbeFrames.Arp(d, e.Mac, MacAddress.Broadcast, e.Mac, own, own, tag));
                }
            }
            else
            {
                // To itself, so that only its own bridge learns it; to every port where a ring neighbour on another bridge
                // of a tree probes it (AuditClass.LearnedEverywhere).
                var sender = own ?? IPAddress.Any; // an ARP probe (RFC 5227) from a VNIC without IPv4: ip-nospoof lets 0.0.0.0 pass
                var to = classes.All[classes.ClassOf(e.Index)].LearnedEverywhere.Contains(e.Index) ? MacAddress.Broadcast : e.Mac;
                plan.Add(ProbeKind.Learn, e.Index, -1, (d, tag) => ProbeFrames.Arp(d, e.Mac, to, e.Mac, sender, sender, tag));
            }
        }

        var queries = new List<GatewayQuery>();
        foreach (var group in endpoints.Where(e => e.Network is not null).GroupBy(e => e.Network!.Name, StringComparer.Ordinal))
        {
            foreach (var subnet in group.First().Network!.Subnets.Where(s => s.Gateway is not null))
            {
                if (group.FirstOrDefault(e => e.AddressOf(subnet.Family) is not null) is not { } asker)
                {
                    continue;
                }

                var gateway = subnet.Gateway!;
                var source = asker.AddressOf(subnet.Family)!;
                plan.Add(ProbeKind.GatewayQuery, asker.Index, -1, subnet.Family == AddressFamily.InterNetwork
                    ? (d, tag) => ProbeFrames.Arp(d, asker.Mac, MacAddress.Broadcast, asker.Mac, source, gateway, tag)
                    : (d, tag) => ProbeFrames.NeighborSolicitation(d, asker.Mac, source, gateway, tag));
                queries.Add(new GatewayQuery(group.Key, subnet.Family, gateway, asker.Index));
            }
        }

        plan.Publish();
        return queries;
    }

    /// <summary>
    /// Adds every other probe. Between classes: the unicast reachability kinds from each class's representative to
    /// every other's (in a full audit every endpoint is a class, so this is every ordered pair). Inside a class: every
    /// member sends the same kinds to its ring peer (<see cref="AuditClass.RingPeer"/>), so each member sends and
    /// receives once, and a member whose port is elsewhere than the model says shows (its frames flood the wrong
    /// domain and never reach its peer). Every protected endpoint sends its spoofing probes (and one per configured
    /// address outside its allowed sources), and every endpoint its VLAN-hopping probes: representatives as
    /// broadcasts, which reach whatever carries tagged frames out of the domain, the other members addressed to their
    /// ring peer, which tests their own port without flooding the domain once per member and foreign VLAN. For the same
    /// reason those members' neighbour solicitations go to their ring peer alone (its MAC and address, as neighbour
    /// unreachability detection sends them), while each representative's goes to the solicited-node group: no bridge
    /// knows which ports joined a zone's group (the zones' MLD reports are dropped where they enter), so a solicitation
    /// to a group reaches every port of the domain, and one per member was a flood per member (10,000 floods of 10,000
    /// ports each in a 10,000-VNIC network). Between the classes of one domain likewise: each representative is sent
    /// a solicitation to its group by the class before it in the domain and one addressed to it by every other, so in a
    /// full audit, where every VNIC is a class, each VNIC sends one to a group and receives one, not one per pair.
    /// Layer-3 probes to another L2 domain are addressed to the source network's
    /// gateway when its MAC is known.
    /// <para>
    /// A probe to another L2 domain that is addressed to the peer itself (ARP unicast, the neighbour solicitation to
    /// its solicited-node group, and IP where the source network has no gateway) is flooded by the source's bridge to
    /// every port of the source's domain, since that bridge never learnt the peer's MAC: the same ports for every peer
    /// of that other domain. Such probes go to one peer per other domain (its first class's representative), not to
    /// every one: per pair they would cost pairs × domain size frames (159 million at 1,000 zones in 5 VLANs) and
    /// reach no port the sample does not. The other cells of those kinds stay not probed.
    /// </para>
    /// </summary>
    public static void PlanProbes(ProbePlan plan, GatewayMacs gateways, IReadOnlyDictionary<int, IReadOnlyList<IPAddress>>? foreignAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(gateways);
        var endpoints = plan.Topology.Endpoints;
        var classes = plan.Classes.All;
        var frames = new ProbeFrameBuilder();
        var sampleOfDomain = new Dictionary<Model.Topology.L2Domain, int>();
        foreach (var c in classes)
        {
            sampleOfDomain.TryAdd(endpoints[c.Representative].Domain, c.Representative);
        }

        // Inside a domain each class's representative gets its solicitation to its group from one other class only, the one
        // before it among the domain's classes; the others address theirs to it. In a full audit every VNIC is a class, so
        // one to the group from each was N floods of N ports per domain for each of N receivers (a full audit of one
        // 1,100-VNIC network did not end in 400 s); this way each VNIC still sends one to a group and receives one.
        var groupSenderOf = Enumerable.Repeat(-1, classes.Count).ToArray();
        foreach (var inDomain in classes.Where(c => endpoints[c.Representative].AddressOf(AddressFamily.InterNetworkV6) is not null)
                     .GroupBy(c => endpoints[c.Representative].Domain))
        {
            var list = inDomain.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                groupSenderOf[list[i].Index] = AuditClass.Before(list, i).Index;
            }
        }

        foreach (var a in classes)
        {
            foreach (var b in classes)
            {
                if (a.Index != b.Index)
                {
                    var s = endpoints[a.Representative];
                    var t = endpoints[b.Representative];
                    var sameDomain = s.Domain == t.Domain;
                    AddPairProbes(plan, gateways, frames, s, t, flooded: sameDomain || sampleOfDomain[t.Domain] == t.Index,
                        toGroup: !sameDomain || groupSenderOf[b.Index] == a.Index);
                }
            }
        }

        var peerOf = new int[endpoints.Count];
        foreach (var c in classes)
        {
            for (var i = 0; i < c.Ring.Count; i++)
            {
                var member = c.Ring[i];
                peerOf[member] = c.RingPeer(i);
                if (peerOf[member] >= 0)
                {
                    AddPairProbes(plan, gateways, frames, endpoints[member], endpoints[peerOf[member]], flooded: true, toGroup: member == c.Representative);
                }
            }
        }

        foreach (var s in endpoints)
        {
            AddSpoofingProbes(plan, s, foreignAddresses?.GetValueOrDefault(s.Index) ?? []);
            var representative = classes[plan.Classes.ClassOf(s.Index)].Representative == s.Index;
            AddVlanHoppingProbes(plan, s, representative ? null : endpoints[peerOf[s.Index]]);
        }

        plan.Publish();
    }

    // flooded: also the kinds addressed to the peer itself across L2 domains (see PlanProbes). toGroup: the neighbour
    // solicitation goes to the peer's solicited-node group, which floods the domain; otherwise to the peer alone (see PlanProbes).
    private static void AddPairProbes(ProbePlan plan, GatewayMacs gateways, ProbeFrameBuilder frames, AuditEndpoint s, AuditEndpoint t, bool flooded, bool toGroup)
    {
        var sv4 = s.AddressOf(AddressFamily.InterNetwork);
        if (sv4 is not null && flooded)
        {
            // An announcement (target address = sender's), unicast to the peer: bridges and nftables see the frame a
            // request for the peer would be (they match Ethernet addresses and the sender's fields), but the peer neither
            // answers it nor creates a neighbour entry for the sender (README: quiet probes).
            plan.Add(ProbeKind.ArpUnicast, s.Index, t.Index, (d, tag) => frames.Arp(d, s.Mac, t.Mac, s.Mac, sv4, sv4, tag));
        }

        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            var from = s.AddressOf(family);
            var to = t.AddressOf(family);
            if (from is null || to is null)
            {
                continue;
            }

            var via = PathRules.ViaGateway(s, t, family) && gateways.TryGet(s.Network!.Name, family, out _);
            var next = via && gateways.TryGet(s.Network!.Name, family, out var gatewayMac) ? gatewayMac : t.Mac;
            var direct = via || flooded;
            // Quiet where the peer must receive it: a wrong checksum, so the peer drops it unanswered; resent valid when it
            // does not arrive (ProbePlan.Repair). Where it must not arrive it stays the frame a zone would send, so no
            // filter that treats invalid datagrams differently can hide a leak (README: quiet probes).
            var quiet = PathRules.Layer3(s, t, family).Expectation == Expectation.Must;
            if (family == AddressFamily.InterNetwork)
            {
                if (direct)
                {
                    plan.Add(ProbeKind.Icmpv4Echo, s.Index, t.Index, (d, tag) => frames.Echo(d, s.Mac, next, from, to, tag), viaGateway: via, quiet: quiet);
                    plan.Add(ProbeKind.Udpv4, s.Index, t.Index, (d, tag) => frames.Udp(d, s.Mac, next, from, to, tag), viaGateway: via, quiet: quiet);
                }
            }
            else
            {
                if (flooded)
                {
                    // For an address nobody holds in the peer's solicited-node group: same group, so the same ports, and
                    // no answer or neighbour entry (README: quiet probes).
                    var unheld = Forgeries.UnheldInGroupOf(to);
                    plan.Add(ProbeKind.NeighborSolicitation, s.Index, t.Index, toGroup
                        ? (d, tag) => frames.NeighborSolicitation(d, s.Mac, from, unheld, tag)
                        : (d, tag) => frames.NeighborSolicitation(d, s.Mac, from, unheld, tag, (t.Mac, to)));
                }

                if (direct)
                {
                    plan.Add(ProbeKind.Icmpv6Echo, s.Index, t.Index, (d, tag) => frames.Echo(d, s.Mac, next, from, to, tag), viaGateway: via, quiet: quiet);
                    plan.Add(ProbeKind.Udpv6, s.Index, t.Index, (d, tag) => frames.Udp(d, s.Mac, next, from, to, tag), viaGateway: via, quiet: quiet);
                }
            }
        }
    }

    private static void AddSpoofingProbes(ProbePlan plan, AuditEndpoint s, IReadOnlyList<IPAddress> foreign)
    {
        var v4 = s.AddressOf(AddressFamily.InterNetwork);
        var v6 = s.AddressOf(AddressFamily.InterNetworkV6);
        if (s.Protection.HasFlag(Protection.MacNospoof))
        {
            var detail = $"forged source MAC {Forgeries.Mac} (own {s.Mac})";
            if (v4 is not null)
            {
                plan.Add(ProbeKind.SpoofSourceMac, s.Index, -1, (d, tag) => ProbeFrames.Arp(d, Forgeries.Mac, MacAddress.Broadcast, Forgeries.Mac, v4, v4, tag), detail: detail);
            }
            else if (v6 is not null)
            {
                plan.Add(ProbeKind.SpoofSourceMac, s.Index, -1, (d, tag) => ProbeFrames.AllNodesEcho(d, Forgeries.Mac, v6, tag), detail: detail);
            }
        }

        if (s.Protection.HasFlag(Protection.IpNospoof))
        {
            var forged4 = Forgeries.Ipv4For(s);
            var forged6 = Forgeries.Ipv6For(s);
            plan.Add(ProbeKind.SpoofSourceIpv4, s.Index, -1, (d, tag) => ProbeFrames.BroadcastEcho(d, s.Mac, forged4, tag), detail: $"forged source IPv4 {forged4}");
            plan.Add(ProbeKind.SpoofSourceIpv6, s.Index, -1, (d, tag) => ProbeFrames.AllNodesEcho(d, s.Mac, forged6, tag), detail: $"forged source IPv6 {forged6}");
            plan.Add(ProbeKind.SpoofArpSender, s.Index, -1, (d, tag) => ProbeFrames.Arp(d, s.Mac, MacAddress.Broadcast, s.Mac, forged4, forged4, tag), detail: $"gratuitous ARP claiming {forged4}");
            foreach (var address in foreign)
            {
                var detail = $"source {address}, configured in zone {s.Zone} but outside its allowed sources";
                plan.Add(ProbeKind.SpoofConfiguredAddress, s.Index, -1, address.AddressFamily == AddressFamily.InterNetwork
                    ? (d, tag) => ProbeFrames.BroadcastEcho(d, s.Mac, address, tag)
                    : (d, tag) => ProbeFrames.AllNodesEcho(d, s.Mac, address, tag), detail: detail);
            }
        }

        if (s.Protection.HasFlag(Protection.DhcpNospoof) && v4 is not null)
        {
            plan.Add(ProbeKind.RogueDhcpServer, s.Index, -1, (d, tag) => ProbeFrames.DhcpOffer(d, s.Mac, v4, Forgeries.Ipv4For(s), tag), detail: $"DHCPOFFER from {v4} port 67");
        }
    }

    // To the broadcast address, or to the MAC of peer when given (the bridge then delivers each frame once).
    private static void AddVlanHoppingProbes(ProbePlan plan, AuditEndpoint s, AuditEndpoint? peer)
    {
        var sender = s.AddressOf(AddressFamily.InterNetwork) ?? IPAddress.Any;
        var to = peer?.Mac ?? MacAddress.Broadcast;
        var addressed = peer is null ? "" : $", addressed to {peer.Name}";
        var foreignVlans = plan.Topology.Domains
            .Where(d => d.Over == s.Domain.Over && d.Vlan != s.Domain.Vlan && d.Vlan > 0)
            .Select(d => d.Vlan)
            .Distinct();
        foreach (var vlan in foreignVlans)
        {
            ushort[] single = [(ushort)vlan];
            ushort[] doubled = [(ushort)s.Domain.Vlan, (ushort)vlan];
            plan.Add(ProbeKind.VlanTagged, s.Index, -1, (d, tag) => ProbeFrames.Arp(d, s.Mac, to, s.Mac, sender, sender, tag, single), vlan,
                detail: $"802.1Q tag {vlan}{addressed}");
            plan.Add(ProbeKind.VlanDoubleTagged, s.Index, -1, (d, tag) => ProbeFrames.Arp(d, s.Mac, to, s.Mac, sender, sender, tag, doubled), vlan,
                detail: $"802.1Q tags {s.Domain.Vlan} (outer) and {vlan} (inner){addressed}");
        }
    }
}
