using System.Net.Sockets;
using NetVirt.Model.Addressing;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;

namespace NetVirt.Audit.Topology;

/// <summary>
/// The endpoints of an audit, derived purely from a resolved model and the Linux naming scheme: every VNIC of every
/// zone that sits in an L2 domain and has a MAC, in model order. VNICs that cannot be placed (an unresolved pool VNIC,
/// no MAC yet) are listed in <see cref="Skipped"/> with the reason, never silently dropped.
/// </summary>
public sealed class AuditTopology
{
    private readonly Dictionary<L2Domain, List<int>> byDomain = [];

    private AuditTopology(IReadOnlyList<AuditEndpoint> endpoints, IReadOnlyList<string> skipped, IReadOnlyList<AuditBridge> bridges)
    {
        Endpoints = endpoints;
        Skipped = skipped;
        Bridges = bridges;
        foreach (var e in endpoints)
        {
            if (!byDomain.TryGetValue(e.Domain, out var list))
            {
                byDomain[e.Domain] = list = [];
            }

            list.Add(e.Index);
        }
    }

    /// <summary>The endpoints, indexed by <see cref="AuditEndpoint.Index"/>.</summary>
    public IReadOnlyList<AuditEndpoint> Endpoints { get; }

    /// <summary>VNICs the audit cannot probe, each with the reason.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>NetVirt's bridges (one per L2 domain on an etherstub) with the ports the desired state puts on them.</summary>
    public IReadOnlyList<AuditBridge> Bridges { get; }

    /// <summary>Number of ordered pairs of distinct endpoints.</summary>
    public long PairCount => (long)Endpoints.Count * Math.Max(0, Endpoints.Count - 1);

    /// <summary>The L2 domains in use, in order of first appearance.</summary>
    public IEnumerable<L2Domain> Domains => byDomain.Keys;

    /// <summary>Indexes of the endpoints in <paramref name="domain"/>.</summary>
    public IReadOnlyList<int> InDomain(L2Domain domain) => byDomain.TryGetValue(domain, out var list) ? list : [];

    /// <summary>Builds the topology of <paramref name="model"/> as realised on Linux with <paramref name="naming"/>.</summary>
    public static AuditTopology FromModel(NetworkModel model, LinuxNaming naming)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(naming);
        var index = new ModelIndex(model);
        var endpoints = new List<AuditEndpoint>();
        var skipped = new List<string>();
        foreach (var zone in model.Zones)
        {
            var routes = index.EffectiveRoutes(zone);
            foreach (var vnic in zone.Vnics)
            {
                if (index.DomainOf(vnic) is not { } domain)
                {
                    skipped.Add($"{zone.Name}/{vnic.Name}: no network resolved yet (pool VNIC not stored); run apply first");
                    continue;
                }

                if (vnic.Mac is not { } mac)
                {
                    skipped.Add($"{zone.Name}/{vnic.Name}: no MAC allocated yet; run apply first");
                    continue;
                }

                var network = index.NetworkOf(vnic);
                var addresses = index.InterfaceAddresses(vnic).Select(a => a.Address.Address).ToList();
                endpoints.Add(new AuditEndpoint
                {
                    Index = endpoints.Count,
                    Zone = zone.Name,
                    Vnic = vnic.Name,
                    // A container's namespace is entered by the path its runtime gave.
                    Netns = zone.Container is { Netns: { } path } && Backends.Linux.Resources.LinuxNaming.CanReferToContainerNetns(path)
                        ? Backends.Linux.Resources.LinuxNaming.ContainerNetns(zone.Name, path)
                        : naming.ZoneNetns(zone.Name),
                    Interface = vnic.Name,
                    HostEnd = index.IsEtherstub(domain.Over) ? naming.VnicHostEnd(zone.Name, vnic.Name) : null,
                    Mac = mac,
                    Domain = domain,
                    Switch = (index.IsEtherstub(domain.Over) ? "etherstub " : "link ") + domain.Over,
                    Network = network,
                    Router = network is null ? null : ModelIndex.RouterOf(network),
                    Ipv4 = [.. addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork)],
                    Ipv6 = [.. addresses.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal)],
                    Protection = vnic.EffectiveProtection,
                    AllowedSources = index.AllowedSources(vnic),
                    Routes = routes,
                });
            }
        }

        // Every bridge of the model with its expected ports: VNIC host ends and router legs (as LinuxRenderer makes them).
        var ports = new Dictionary<L2Domain, HashSet<string>>();
        foreach (var e in endpoints.Where(e => e.HostEnd is not null))
        {
            Ports(ports, e.Domain).Add(e.HostEnd!);
        }

        foreach (var network in model.Networks.Where(n => index.IsEtherstub(n.Over)))
        {
            var domain = new L2Domain(network.Over, network.Vlan);
            var ownPorts = Ports(ports, domain);
            if (ModelIndex.RouterOf(network) is { } router)
            {
                ownPorts.Add(naming.RouterLegHostEnd(router, network.Over, network.Vlan));
            }
        }

        var bridges = ports.OrderBy(p => p.Key.Over, StringComparer.Ordinal).ThenBy(p => p.Key.Vlan)
            .Select(p => new AuditBridge(naming.Bridge(p.Key.Over, p.Key.Vlan), p.Key, p.Value)).ToList();
        return new AuditTopology(endpoints, skipped, bridges);
    }

    private static HashSet<string> Ports(Dictionary<L2Domain, HashSet<string>> ports, L2Domain domain)
    {
        if (!ports.TryGetValue(domain, out var set))
        {
            ports[domain] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        return set;
    }
}
