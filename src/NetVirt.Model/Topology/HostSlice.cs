using System.Net;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;

namespace NetVirt.Model.Topology;

/// <summary>
/// What one host needs of a resolved model with hosts: its zones, the networks it carries, and for every L2 domain of an
/// etherstub it carries, the VNI and the VNICs of that domain on other hosts (their MACs and addresses, and the
/// underlay address of their host), from which its agent writes VXLAN forwarding and neighbour entries, as Neutron's
/// l2population and Triton's portolan do: nothing is learnt, nothing floods.
/// </summary>
/// <param name="Host">The host.</param>
/// <param name="Model">The resolved model of the host: every host, switch and link; the networks it carries; its zones.</param>
/// <param name="Overlay">The overlay of each L2 domain of an etherstub the host carries, by domain.</param>
public sealed record HostSlice(HostSpec Host, NetworkModel Model, EquatableArray<OverlayDomain> Overlay)
{
    /// <summary>
    /// The slice of <paramref name="host"/>. A host carries an L2 domain when one of its zones has a VNIC there, or when
    /// one of its zones is on a network whose router (<see cref="ModelIndex.RouterOf"/>) also has a network in that domain:
    /// each host routes for its own zones (the same gateway on every host, a distributed anycast gateway), so its router
    /// needs a leg in every network it routes to.
    /// </summary>
    public static HostSlice For(NetworkModel resolved, IReadOnlyDictionary<L2Domain, int> vnis, string host)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        ArgumentNullException.ThrowIfNull(vnis);
        var spec = resolved.Hosts.FirstOrDefault(h => h.Name == host)
            ?? throw new Errors.UnknownObjectException($"host '{host}' is not in the desired state; declared hosts: {(resolved.Hosts.IsEmpty ? "none" : string.Join(", ", resolved.Hosts.Select(h => h.Name)))}");
        var index = new ModelIndex(resolved);
        var carried = Carried(resolved, index);
        var mine = carried.GetValueOrDefault(host) ?? [];
        var zones = resolved.Zones.Where(z => z.Host == host).Select(z => z with { Vnics = [.. z.Vnics.Select(v => v with { Pool = null })] }).ToEquatableArray();
        var model = resolved with
        {
            Networks = [.. resolved.Networks.Where(n => mine.Contains(new L2Domain(n.Over, n.Vlan)))],
            Pools = [],
            Zones = zones,
        };
        var addresses = resolved.Hosts.ToDictionary(h => h.Name, h => h.Address, StringComparer.Ordinal);
        var overlay = new List<OverlayDomain>();
        foreach (var domain in mine.Where(d => index.IsEtherstub(d.Over)).OrderBy(d => d.Over, StringComparer.Ordinal).ThenBy(d => d.Vlan))
        {
            if (!vnis.TryGetValue(domain, out var vni))
            {
                continue;
            }

            var remote = new List<RemotePort>();
            foreach (var zone in resolved.Zones.Where(z => z.Host is { } h && h != host))
            {
                foreach (var vnic in zone.Vnics.Where(v => index.DomainOf(v) == domain && v.Mac is not null))
                {
                    remote.Add(new RemotePort(zone.Host!, addresses[zone.Host!], zone.Name, vnic.Name, vnic.Mac!.Value,
                        index.InterfaceAddresses(vnic).Select(a => a.Address.Address).ToEquatableArray()));
                }
            }

            var peers = carried.Where(c => c.Key != host && c.Value.Contains(domain)).Select(c => addresses[c.Key]).OrderBy(a => a.ToString(), StringComparer.Ordinal).ToEquatableArray();
            overlay.Add(new OverlayDomain(domain.Over, domain.Vlan, vni, remote.ToEquatableArray(), peers) { Mtu = DomainMtu(resolved, index, domain) });
        }

        return new HostSlice(spec, model, overlay.ToEquatableArray());
    }

    /// <summary>
    /// The largest MTU in <paramref name="domain"/> on any host (its networks' and VNICs'): what its tunnels must carry,
    /// since a VNIC on another host sends frames that large.
    /// </summary>
    public static int DomainMtu(NetworkModel resolved, ModelIndex index, L2Domain domain)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        ArgumentNullException.ThrowIfNull(index);
        return resolved.Networks.Where(n => new L2Domain(n.Over, n.Vlan) == domain).Select(n => n.EffectiveMtu)
            .Concat(resolved.Zones.SelectMany(z => z.Vnics).Where(v => index.DomainOf(v) == domain).Select(index.EffectiveMtu))
            .DefaultIfEmpty(NetworkSpec.DefaultMtu).Max();
    }

    /// <summary>The L2 domains each host carries (see <see cref="For"/>).</summary>
    public static Dictionary<string, HashSet<L2Domain>> Carried(NetworkModel resolved, ModelIndex index)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        ArgumentNullException.ThrowIfNull(index);
        var routed = resolved.Networks.Where(n => ModelIndex.RouterOf(n) is not null)
            .GroupBy(n => ModelIndex.RouterOf(n)!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(n => new L2Domain(n.Over, n.Vlan)).ToList(), StringComparer.Ordinal);
        var result = resolved.Hosts.ToDictionary(h => h.Name, _ => new HashSet<L2Domain>(), StringComparer.Ordinal);
        foreach (var zone in resolved.Zones.Where(z => z.Host is not null && result.ContainsKey(z.Host)))
        {
            foreach (var vnic in zone.Vnics)
            {
                if (index.DomainOf(vnic) is { } domain)
                {
                    result[zone.Host!].Add(domain);
                }

                if (index.NetworkOf(vnic) is { } network && ModelIndex.RouterOf(network) is { } router)
                {
                    result[zone.Host!].UnionWith(routed[router]);
                }
            }
        }

        return result;
    }
}

/// <summary>One L2 domain of an etherstub as a host's overlay carries it.</summary>
/// <param name="Over">The etherstub.</param>
/// <param name="Vlan">The VLAN id (0 = untagged).</param>
/// <param name="Vni">The VXLAN network identifier the store gave the domain.</param>
/// <param name="Remote">The domain's VNICs on other hosts.</param>
/// <param name="Peers">Underlay addresses of the other hosts that carry the domain.</param>
public sealed record OverlayDomain(string Over, int Vlan, int Vni, EquatableArray<RemotePort> Remote, EquatableArray<IPAddress> Peers)
{
    /// <summary>The largest MTU of the domain on any host (<see cref="HostSlice.DomainMtu"/>): the MTU of its tunnels.</summary>
    public int Mtu { get; init; } = NetworkSpec.DefaultMtu;

    /// <summary>The domain.</summary>
    public L2Domain Domain => new(Over, Vlan);
}

/// <summary>A VNIC on another host, as a host's overlay entries need it.</summary>
/// <param name="Host">Its host.</param>
/// <param name="HostAddress">Its host's underlay address (the VTEP to send its frames to).</param>
/// <param name="Zone">Its zone.</param>
/// <param name="Vnic">Its name.</param>
/// <param name="Mac">Its MAC.</param>
/// <param name="Addresses">Its addresses (answered for by the local neighbour proxy).</param>
public sealed record RemotePort(string Host, IPAddress HostAddress, string Zone, string Vnic, MacAddress Mac, EquatableArray<IPAddress> Addresses);
