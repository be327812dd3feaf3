using System.Globalization;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;

namespace NetVirt.Api.Views.Topology;

/// <summary>
/// Builds the <see cref="TopologyView"/> of a resolved desired state: etherstubs and links group their networks (one
/// VLAN each, a bridge on Linux), VLANs used without a network become segments, each tenant router (one per tenant with
/// gateways, <see cref="ModelIndex.RouterOf"/>) gets a leg on each of its networks, and each zone a port per VNIC with
/// an edge to its network. Pure; the order follows the model, so the same state draws the same picture.
/// </summary>
public static class TopologyBuilder
{
    /// <summary>The view of <paramref name="resolved"/>.</summary>
    /// <param name="resolved">The resolved desired state (allocated MACs and addresses).</param>
    /// <param name="generation">Its generation.</param>
    /// <param name="target">The host target (<c>linux</c>, <c>illumos</c>).</param>
    /// <param name="bridgeName">The realised name of the switch of (over, VLAN), when the target has one (the Linux bridge).</param>
    public static TopologyView Build(NetworkModel resolved, long generation, string target, Func<string, int, string>? bridgeName = null)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        ArgumentNullException.ThrowIfNull(target);
        var index = new ModelIndex(resolved);
        var nodes = new List<TopologyNode>();
        var edges = new List<TopologyEdge>();

        // Many hosts: each host groups the zones on it (networks and routers span the hosts that carry them).
        foreach (var h in resolved.Hosts)
        {
            var count = resolved.Zones.Count(z => z.Host == h.Name);
            nodes.Add(new TopologyNode(HostId(h.Name), TopologyNodeKind.Host, h.Name, null,
                [$"{h.Address} · {count.ToString(CultureInfo.InvariantCulture)} zone{(count == 1 ? "" : "s")}"], [],
                Details([("address", h.Address.ToString()), .. h.Labels.Select(l => ($"label {l.Key}", (string?)l.Value)), ("description", h.Description)])));
        }

        foreach (var e in resolved.Etherstubs)
        {
            nodes.Add(new TopologyNode(EtherstubId(e.Name), TopologyNodeKind.Etherstub, e.Name, null, [$"MTU {e.EffectiveMtu.ToString(CultureInfo.InvariantCulture)}"], [],
                Details(("mtu", e.EffectiveMtu.ToString(CultureInfo.InvariantCulture)), ("description", e.Description))));
        }

        foreach (var l in resolved.Links)
        {
            nodes.Add(new TopologyNode(LinkId(l.Name), TopologyNodeKind.Link, l.Name, null, [$"physical, MTU {l.EffectiveMtu.ToString(CultureInfo.InvariantCulture)}"], [],
                Details(("mtu", l.EffectiveMtu.ToString(CultureInfo.InvariantCulture)), ("description", l.Description))));
        }

        var routers = new List<string>();
        foreach (var n in resolved.Networks)
        {
            var bridge = bridgeName?.Invoke(n.Over, n.Vlan);
            nodes.Add(new TopologyNode(NetworkId(n.Name), TopologyNodeKind.Network, n.Name, LowerId(index, n.Over),
                [Vlan(n.Vlan) + (bridge is null ? "" : $" · {bridge}"), .. n.Subnets.Select(s => s.Subnet.ToString())], [],
                Details(
                    ("tenant", n.Tenant), ("over", n.Over), ("vlan", n.Vlan.ToString(CultureInfo.InvariantCulture)), ("mtu", n.EffectiveMtu.ToString(CultureInfo.InvariantCulture)),
                    ("bridge", bridge),
                    ("ipv4", n.Ipv4?.Subnet.ToString()), ("gateway4", n.Ipv4?.Gateway?.ToString()), ("range4", Range(n.Ipv4)),
                    ("ipv6", n.Ipv6?.Subnet.ToString()), ("gateway6", n.Ipv6?.Gateway?.ToString()), ("range6", Range(n.Ipv6)),
                    ("router", ModelIndex.RouterOf(n)), ("description", n.Description))));
            if (ModelIndex.RouterOf(n) is { } router)
            {
                if (!routers.Contains(router, StringComparer.Ordinal))
                {
                    routers.Add(router);
                }

                edges.Add(new TopologyEdge(NetworkId(n.Name), RouterId(router), TopologyEdgeKind.Gateway,
                    string.Join(" ", n.Subnets.Where(s => s.Gateway is not null).Select(s => s.Gateway!.ToString()))));
            }
        }

        foreach (var router in routers)
        {
            var networks = resolved.Networks.Where(n => ModelIndex.RouterOf(n) == router).ToList();
            nodes.Add(new TopologyNode(RouterId(router), TopologyNodeKind.Router, router, null, [$"router · {networks.Count.ToString(CultureInfo.InvariantCulture)} network{(networks.Count == 1 ? "" : "s")}"], [],
                Details(("tenant", router), ("networks", string.Join(", ", networks.Select(n => n.Name))),
                    ("gateways", string.Join(", ", networks.SelectMany(n => n.Subnets).Where(s => s.Gateway is not null).Select(s => s.Gateway!.ToString()))))));
        }

        var segments = new HashSet<string>(StringComparer.Ordinal);
        foreach (var z in resolved.Zones)
        {
            var ports = new List<TopologyPort>();
            foreach (var v in z.Vnics)
            {
                var addresses = index.InterfaceAddresses(v).Select(a => a.Address.ToString()).ToList();
                var portId = $"vnic:{z.Name}/{v.Name}";
                ports.Add(new TopologyPort(portId, addresses.Count == 0 ? v.Name : $"{v.Name} {addresses[0]}{(addresses.Count > 1 ? $" +{(addresses.Count - 1).ToString(CultureInfo.InvariantCulture)}" : "")}"));
                string? from = null;
                if (index.NetworkOf(v) is { } network)
                {
                    from = NetworkId(network.Name);
                }
                else if (index.DomainOf(v) is { } domain)
                {
                    from = SegmentId(domain);
                    if (segments.Add(from))
                    {
                        var bridge = bridgeName?.Invoke(domain.Over, domain.Vlan);
                        nodes.Add(new TopologyNode(from, TopologyNodeKind.Segment, $"{domain.Over}/{domain.Vlan.ToString(CultureInfo.InvariantCulture)}", LowerId(index, domain.Over),
                            [Vlan(domain.Vlan) + (bridge is null ? "" : $" · {bridge}"), "no network"], [],
                            Details(("over", domain.Over), ("vlan", domain.Vlan.ToString(CultureInfo.InvariantCulture)), ("bridge", bridge))));
                    }
                }

                if (from is not null)
                {
                    edges.Add(new TopologyEdge(from, ZoneId(z.Name), TopologyEdgeKind.Vnic, v.Name, portId));
                }
            }

            var vnicDetails = z.Vnics.Select(v => ($"vnic {v.Name}", (string?)string.Join(" ", new[]
            {
                v.Mac?.ToString(), index.NetworkOf(v)?.Name ?? index.DomainOf(v)?.ToString(),
                string.Join(" ", index.InterfaceAddresses(v).Select(a => a.Address.ToString())),
            }.Where(s => !string.IsNullOrEmpty(s)))));
            nodes.Add(new TopologyNode(ZoneId(z.Name), z.IsContainer ? TopologyNodeKind.Container : TopologyNodeKind.Zone, z.Name, z.Host is { } host ? HostId(host) : null, [], ports,
                Details([("container", z.Container?.Id), ("routes", string.Join(", ", index.EffectiveRoutes(z).Select(r => $"{(r.IsDefault ? "default" : r.Destination.ToString())} via {r.Gateway}"))),
                    .. vnicDetails, ("description", z.Description)])));
        }

        return new TopologyView(generation, target, nodes, edges);
    }

    /// <summary>Node id of an etherstub.</summary>
    public static string EtherstubId(string name) => "etherstub:" + name;

    /// <summary>Node id of a link.</summary>
    public static string LinkId(string name) => "link:" + name;

    /// <summary>Node id of a network.</summary>
    public static string NetworkId(string name) => "network:" + name;

    /// <summary>Node id of a tenant router.</summary>
    public static string RouterId(string name) => "router:" + name;

    /// <summary>Node id of a zone.</summary>
    public static string ZoneId(string name) => "zone:" + name;

    private static string HostId(string name) => $"host:{name}";

    private static string SegmentId(L2Domain domain) => $"segment:{domain.Over}/{domain.Vlan.ToString(CultureInfo.InvariantCulture)}";

    private static string? LowerId(ModelIndex index, string over) =>
        index.IsEtherstub(over) ? EtherstubId(over) : index.Link(over) is not null ? LinkId(over) : null;

    private static string Vlan(int vlan) => vlan == 0 ? "untagged" : $"VLAN {vlan.ToString(CultureInfo.InvariantCulture)}";

    private static string? Range(SubnetSpec? subnet) =>
        subnet?.RangeStart is { } start && subnet.RangeEnd is { } end ? $"{start}-{end}" : null;

    private static IReadOnlyList<TopologyDetail> Details(params (string Key, string? Value)[] details) =>
        [.. details.Where(d => !string.IsNullOrEmpty(d.Value)).Select(d => new TopologyDetail(d.Key, d.Value!))];
}
