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
    /// Adds each endpoint's ARP broadcast, and one query per network gateway (ARP for IPv4, a neighbour solicitation
    /// for IPv6) from the first endpoint of that network able to ask. Returns the queries: (network, family,
    /// gateway, asking endpoint).
    /// </summary>
    public static IReadOnlyList<GatewayQuery> PlanDiscovery(ProbePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var endpoints = plan.Topology.Endpoints;
        foreach (var e in endpoints)
        {
            if (e.AddressOf(AddressFamily.InterNetwork) is { } own)
            {
                plan.Add(ProbeKind.ArpBroadcast, e.Index, -1, (d, tag) => ProbeFrames.Arp(d, e.Mac, MacAddress.Broadcast, e.Mac, own, own, tag));
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
    /// Adds every other probe: per ordered pair the unicast reachability kinds, per protected endpoint its spoofing
    /// probes (and one per configured address outside its allowed sources), per endpoint its VLAN-hopping probes.
    /// Layer-3 probes to another L2 domain are addressed to the source network's gateway when its MAC is known.
    /// </summary>
    public static void PlanProbes(ProbePlan plan, GatewayMacs gateways, IReadOnlyDictionary<int, IReadOnlyList<IPAddress>>? foreignAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(gateways);
        var endpoints = plan.Topology.Endpoints;
        var frames = new ProbeFrameBuilder();
        foreach (var s in endpoints)
        {
            foreach (var t in endpoints)
            {
                if (s.Index != t.Index)
                {
                    AddPairProbes(plan, gateways, frames, s, t);
                }
            }
        }

        foreach (var s in endpoints)
        {
            AddSpoofingProbes(plan, s, foreignAddresses?.GetValueOrDefault(s.Index) ?? []);
            AddVlanHoppingProbes(plan, s);
        }

        plan.Publish();
    }

    private static void AddPairProbes(ProbePlan plan, GatewayMacs gateways, ProbeFrameBuilder frames, AuditEndpoint s, AuditEndpoint t)
    {
        var sv4 = s.AddressOf(AddressFamily.InterNetwork);
        var tv4 = t.AddressOf(AddressFamily.InterNetwork);
        if (sv4 is not null)
        {
            plan.Add(ProbeKind.ArpUnicast, s.Index, t.Index, (d, tag) => frames.Arp(d, s.Mac, t.Mac, s.Mac, sv4, tv4 ?? sv4, tag));
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
            if (family == AddressFamily.InterNetwork)
            {
                plan.Add(ProbeKind.Icmpv4Echo, s.Index, t.Index, (d, tag) => frames.Echo(d, s.Mac, next, from, to, tag), viaGateway: via);
                plan.Add(ProbeKind.Udpv4, s.Index, t.Index, (d, tag) => frames.Udp(d, s.Mac, next, from, to, tag), viaGateway: via);
            }
            else
            {
                plan.Add(ProbeKind.NeighborSolicitation, s.Index, t.Index, (d, tag) => frames.NeighborSolicitation(d, s.Mac, from, to, tag));
                plan.Add(ProbeKind.Icmpv6Echo, s.Index, t.Index, (d, tag) => frames.Echo(d, s.Mac, next, from, to, tag), viaGateway: via);
                plan.Add(ProbeKind.Udpv6, s.Index, t.Index, (d, tag) => frames.Udp(d, s.Mac, next, from, to, tag), viaGateway: via);
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

    private static void AddVlanHoppingProbes(ProbePlan plan, AuditEndpoint s)
    {
        var sender = s.AddressOf(AddressFamily.InterNetwork) ?? IPAddress.Any;
        var foreignVlans = plan.Topology.Domains
            .Where(d => d.Over == s.Domain.Over && d.Vlan != s.Domain.Vlan && d.Vlan > 0)
            .Select(d => d.Vlan)
            .Distinct();
        foreach (var vlan in foreignVlans)
        {
            ushort[] single = [(ushort)vlan];
            ushort[] doubled = [(ushort)s.Domain.Vlan, (ushort)vlan];
            plan.Add(ProbeKind.VlanTagged, s.Index, -1, (d, tag) => ProbeFrames.Arp(d, s.Mac, MacAddress.Broadcast, s.Mac, sender, sender, tag, single), vlan,
                detail: $"802.1Q tag {vlan}");
            plan.Add(ProbeKind.VlanDoubleTagged, s.Index, -1, (d, tag) => ProbeFrames.Arp(d, s.Mac, MacAddress.Broadcast, s.Mac, sender, sender, tag, doubled), vlan,
                detail: $"802.1Q tags {s.Domain.Vlan} (outer) and {vlan} (inner)");
        }
    }
}
