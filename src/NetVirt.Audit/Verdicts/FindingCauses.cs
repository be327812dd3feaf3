using System.Globalization;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Topology;
using NetVirt.Model.Topology;

namespace NetVirt.Audit.Verdicts;

/// <summary>
/// Groups findings by their likely cause, purely, from the findings and what observation saw on NetVirt's bridges. One
/// fault usually shows as many findings: a foreign veth joining two VLANs makes every pair across them a LEAK for
/// every probe kind. In order, each finding goes to the first cause that explains it:
/// <list type="number">
/// <item>a VNIC whose host end sits on another domain's bridge: every LEAK, VLAN_HOP and BLACKHOLE it is part of;</item>
/// <item>LEAKs between two L2 domains: joined at layer 2 when a layer-2 probe (ARP, neighbour solicitation, tagged
/// ARP) crossed, naming the foreign ports on their bridges (a veth pair when both ends are there), else routed;</item>
/// <item>VLAN_HOPs between two domains (a trunk), with the foreign ports of their bridges;</item>
/// <item>SPOOF_PASSED by source VNIC: which protection is not in force;</item>
/// <item>BLACKHOLEs by the VNIC that appears in most of them (the one cut off);</item>
/// <item>FOREIGN_ADDRESS by zone VNIC;</item>
/// <item>HOST_REACHED by the bridge that delivered the probes to the host.</item>
/// </list>
/// </summary>
public static class FindingCauses
{
    /// <summary>The causes of <paramref name="result"/>'s findings; every finding belongs to exactly one.</summary>
    /// <param name="result">The judged audit.</param>
    /// <param name="unexpectedPorts">Ports on NetVirt's bridges that the desired state does not put there.</param>
    public static IReadOnlyList<FindingCause> Group(AuditResult result, IReadOnlyList<BridgePort> unexpectedPorts)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(unexpectedPorts);
        var findings = result.Findings;
        var topology = result.Topology;
        var endpoints = topology.Endpoints;
        var claimed = new bool[findings.Count];
        var causes = new List<FindingCause>();

        List<int> Claim(Func<AuditFinding, bool> predicate)
        {
            var taken = new List<int>();
            for (var i = 0; i < findings.Count; i++)
            {
                if (!claimed[i] && predicate(findings[i]))
                {
                    claimed[i] = true;
                    taken.Add(i);
                }
            }

            return taken;
        }

        // 1. A VNIC plugged into the wrong bridge.
        var byHostEnd = endpoints.Where(e => e.HostEnd is not null).ToDictionary(e => e.HostEnd!, StringComparer.Ordinal);
        var misplaced = unexpectedPorts.Where(p => byHostEnd.TryGetValue(p.Name, out var e) && e.Domain != p.Domain).ToList();
        foreach (var port in misplaced)
        {
            var e = byHostEnd[port.Name];
            var symptoms = Claim(f => f.Kind is FindingKind.Leak or FindingKind.VlanHop or FindingKind.Blackhole && (f.Source == e.Index || f.Receiver == e.Index));
            if (symptoms.Count > 0)
            {
                causes.Add(new FindingCause
                {
                    Kind = CauseKind.VnicOnWrongBridge,
                    Title = $"{e.Name} is plugged into the bridge of {DomainText(topology, port.Domain)}",
                    Explanation = $"its host end {port.Name} sits on bridge {port.Bridge}, while the model puts it in {e.DomainText}"
                        + $"{BridgeOf(topology, e.Domain)}: it reaches the other domain and is cut off from its own",
                    ForeignPorts = [port],
                    Findings = symptoms,
                });
            }
        }

        var foreign = unexpectedPorts.Except(misplaced).ToList();

        // 2. Leaks between two domains, 3. VLAN hops between two domains.
        foreach (var kind in new[] { FindingKind.Leak, FindingKind.VlanHop })
        {
            var pairs = findings.Select((f, i) => (f, i)).Where(x => !claimed[x.i] && x.f.Kind == kind && x.f.Receiver >= 0)
                .GroupBy(x => DomainPair(endpoints[x.f.Source].Domain, endpoints[x.f.Receiver].Domain))
                .OrderBy(g => g.Key.A.Over, StringComparer.Ordinal).ThenBy(g => g.Key.A.Vlan).ThenBy(g => g.Key.B.Over, StringComparer.Ordinal).ThenBy(g => g.Key.B.Vlan);
            foreach (var group in pairs)
            {
                var (a, b) = group.Key;
                var indexes = group.Select(x => x.i).ToList();
                foreach (var i in indexes)
                {
                    claimed[i] = true;
                }

                var ports = foreign.Where(p => p.Domain == a || p.Domain == b).ToList();
                var layer2 = group.Any(x => ProbePlan.JudgedFamily(x.f.Probe) is null);
                causes.Add(kind == FindingKind.VlanHop
                    ? new FindingCause
                    {
                        Kind = CauseKind.VlanTagsCross,
                        Title = $"802.1Q-tagged frames cross between {DomainText(topology, a)} and {DomainText(topology, b)}",
                        Explanation = "tagged probes crossed where untagged ones did not: something carries tagged frames between their bridges (a trunk)"
                            + PortsText(topology, ports, a, b),
                        ForeignPorts = ports,
                        Findings = indexes,
                    }
                    : layer2
                    ? new FindingCause
                    {
                        Kind = CauseKind.DomainsJoined,
                        Title = $"{DomainText(topology, a)} and {DomainText(topology, b)} are joined at layer 2",
                        Explanation = "ARP and neighbour discovery crossed between them, so their bridges forward each other's frames"
                            + PortsText(topology, ports, a, b),
                        ForeignPorts = ports,
                        Findings = indexes,
                    }
                    : new FindingCause
                    {
                        Kind = CauseKind.RoutedBetweenNetworks,
                        Title = $"IP is routed between {NetworksText(topology, a)} and {NetworksText(topology, b)}",
                        Explanation = "only IP probes crossed (ARP and neighbour discovery did not), so the domains are apart at layer 2 but something "
                            + "forwards IP between them: a router or zone with a leg in both, or a route the model does not have",
                        Findings = indexes,
                    });
            }
        }

        // 4. Protection not in force, by source.
        foreach (var group in findings.Select((f, i) => (f, i)).Where(x => !claimed[x.i] && x.f.Kind == FindingKind.SpoofPassed).GroupBy(x => x.f.Source).OrderBy(g => g.Key))
        {
            var e = endpoints[group.Key];
            var protections = group.Select(x => Protection(x.f.Probe)).Distinct().Order(StringComparer.Ordinal).ToList();
            var reached = group.Select(x => x.f.Receiver).Where(r => r >= 0).Distinct().Count();
            causes.Add(new FindingCause
            {
                Kind = CauseKind.ProtectionNotEnforced,
                Title = $"{e.Name}: {string.Join(" and ", protections)} not in force",
                Explanation = $"forged frames from {e.Name} reached {reached} VNIC{(reached == 1 ? "" : "s")}; the model gives it {Model.Spec.SpecNames.Format(e.Protection)}"
                    + (e.HostEnd is null ? "" : $", enforced on its host end {e.HostEnd}"),
                Findings = Take(group, claimed),
            });
        }

        // 5. Blackholes, by the VNIC that appears in most of them.
        var blackholes = findings.Select((f, i) => (f, i)).Where(x => !claimed[x.i] && x.f.Kind == FindingKind.Blackhole).ToList();
        var weight = blackholes.SelectMany(x => new[] { x.f.Source, x.f.Receiver }).Where(e => e >= 0).GroupBy(e => e).ToDictionary(g => g.Key, g => g.Count());
        foreach (var group in blackholes.GroupBy(x => x.f.Receiver >= 0 && weight[x.f.Receiver] >= weight[x.f.Source] ? x.f.Receiver : x.f.Source).OrderBy(g => g.Key))
        {
            var e = endpoints[group.Key];
            var peers = group.Select(x => x.f.Source == group.Key ? x.f.Receiver : x.f.Source).Distinct().Count();
            causes.Add(new FindingCause
            {
                Kind = CauseKind.Unreachable,
                Title = $"{e.Name} is cut off from {peers} peer{(peers == 1 ? "" : "s")} it must reach",
                Explanation = $"{group.Count()} required path{(group.Count() == 1 ? "" : "s")} to or from {e.Name} carried no probe: check its VNIC in zone {e.Zone} (link up, addresses, routes)"
                    + (e.HostEnd is null ? "" : $" and that its host end {e.HostEnd} is up on its bridge"),
                Findings = Take(group, claimed),
            });
        }

        // 6. Foreign addresses, by VNIC.
        foreach (var group in findings.Select((f, i) => (f, i)).Where(x => !claimed[x.i] && x.f.Kind == FindingKind.ForeignAddress).GroupBy(x => x.f.Source).OrderBy(g => g.Key))
        {
            var e = endpoints[group.Key];
            causes.Add(new FindingCause
            {
                Kind = CauseKind.ForeignAddresses,
                Title = $"zone {e.Zone} holds addresses outside {e.Name}'s allowed sources",
                Explanation = $"{group.Count()} address{(group.Count() == 1 ? "" : "es")} configured in the zone that the model does not give it; remove them, or add them to allowed-ips",
                Findings = Take(group, claimed),
            });
        }

        // 7. The host reached, by the bridge that delivered it.
        foreach (var group in findings.Select((f, i) => (f, i)).Where(x => !claimed[x.i] && x.f.Kind == FindingKind.HostReached).GroupBy(x => x.f.HostInterface ?? "").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var sources = group.Select(x => x.f.Source).Distinct().Count();
            var probes = group.Sum(x => x.f.Count);
            causes.Add(new FindingCause
            {
                Kind = CauseKind.HostReachable,
                Title = $"the host receives zones' frames from bridge {group.Key}",
                Explanation = $"{probes} probe{(probes == 1 ? "" : "s")} from {sources} VNIC{(sources == 1 ? "" : "s")} reached the host's own network stack through bridge {group.Key}, "
                    + "so the host answers their ARP for its own addresses and takes what they send it; NetVirt's nftables rule 'host-isolated' "
                    + "(bridge table, chain input) drops these frames and is not in force: 'netvirt drift' shows it, 'netvirt apply' puts it back",
                Findings = Take(group, claimed),
            });
        }

        // Anything else (a LEAK inside one domain cannot happen by the rules; keep the guarantee anyway).
        for (var i = 0; i < findings.Count; i++)
        {
            if (!claimed[i])
            {
                var f = findings[i];
                causes.Add(new FindingCause
                {
                    Kind = f.Kind == FindingKind.Blackhole ? CauseKind.Unreachable : CauseKind.DomainsJoined,
                    Title = $"{FindingKinds.Name(f.Kind)} {endpoints[f.Source].Name}{(f.Receiver < 0 ? "" : " -> " + endpoints[f.Receiver].Name)}",
                    Explanation = f.Expected,
                    Findings = [i],
                });
            }
        }

        return causes;
    }

    /// <summary>For each finding, the index of its cause in <paramref name="causes"/> (-1 when none names it).</summary>
    public static int[] CauseOfEach(IReadOnlyList<FindingCause> causes, int findingCount)
    {
        ArgumentNullException.ThrowIfNull(causes);
        var of = Enumerable.Repeat(-1, findingCount).ToArray();
        for (var c = 0; c < causes.Count; c++)
        {
            foreach (var i in causes[c].Findings.Where(i => i < findingCount))
            {
                of[i] = c;
            }
        }

        return of;
    }

    private static List<int> Take<T>(IEnumerable<(T, int i)> group, bool[] claimed)
    {
        var list = group.Select(x => x.i).ToList();
        foreach (var i in list)
        {
            claimed[i] = true;
        }

        return list;
    }

    private static (L2Domain A, L2Domain B) DomainPair(L2Domain x, L2Domain y) =>
        string.CompareOrdinal(x.Over, y.Over) < 0 || (x.Over == y.Over && x.Vlan <= y.Vlan) ? (x, y) : (y, x);

    private static string Protection(ProbeKind probe) => probe switch
    {
        ProbeKind.SpoofSourceMac => "mac-nospoof",
        ProbeKind.RogueDhcpServer => "dhcp-nospoof",
        _ => "ip-nospoof",
    };

    private static string DomainText(AuditTopology topology, L2Domain domain) =>
        topology.InDomain(domain) is { Count: > 0 } members ? topology.Endpoints[members[0]].DomainText
        : domain.Vlan == 0 ? $"{domain.Over}, untagged" : $"{domain.Over}, VLAN {domain.Vlan.ToString(CultureInfo.InvariantCulture)}";

    private static string NetworksText(AuditTopology topology, L2Domain domain)
    {
        var networks = topology.InDomain(domain).Select(i => topology.Endpoints[i].Network?.Name).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return networks.Count == 0 ? DomainText(topology, domain) : $"network{(networks.Count == 1 ? "" : "s")} {string.Join(", ", networks)}";
    }

    private static string BridgeOf(AuditTopology topology, L2Domain domain) =>
        topology.Bridges.FirstOrDefault(b => b.Domain == domain) is { } bridge ? $" (bridge {bridge.Name})" : "";

    // Names what observation found on the two bridges: a veth pair with one end on each is the join itself.
    private static string PortsText(AuditTopology topology, IReadOnlyList<BridgePort> ports, L2Domain a, L2Domain b)
    {
        var pair = ports.Where(p => p.Domain == a).SelectMany(p => ports.Where(q => q.Domain == b && p.IsPeerOf(q)).Select(q => (p, q))).FirstOrDefault();
        if (pair.p is not null)
        {
            return $": the veth pair {pair.p.Name} (on bridge {pair.p.Bridge}) and {pair.q.Name} (on bridge {pair.q.Bridge}) joins them; neither end is NetVirt's";
        }

        if (ports.Count > 0)
        {
            return ": ports that are not NetVirt's sit on their bridges: " + string.Join(", ", ports.Select(p => $"{p.Name} on {p.Bridge}")) + "; one of them (or what it leads to) joins them";
        }

        var bridges = topology.Bridges.Where(x => x.Domain == a || x.Domain == b).Select(x => x.Name).ToList();
        return bridges.Count == 0
            ? ""
            : $": observation found no port that is not NetVirt's on {string.Join(" or ", bridges)}; look for forwarding rules or a path outside these bridges";
    }
}
