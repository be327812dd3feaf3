using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;

namespace NetVirt.Model.Topology;

/// <summary>
/// Lookups and derived facts over a validated model, shared by backends, IPAM and the audit so that every one of
/// them answers "which network, which MTU, which default routes, which allowed sources" the same way.
/// </summary>
public sealed class ModelIndex
{
    private readonly Dictionary<string, EtherstubSpec> _etherstubs;
    private readonly Dictionary<string, LinkSpec> _links;
    private readonly Dictionary<string, NetworkSpec> _networks;
    private readonly Dictionary<string, PoolSpec> _pools;

    /// <summary>Indexes <paramref name="model"/>.</summary>
    public ModelIndex(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _etherstubs = model.Etherstubs.GroupBy(e => e.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _links = model.Links.GroupBy(l => l.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _networks = model.Networks.GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _pools = model.Pools.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    /// <summary>The indexed model.</summary>
    public NetworkModel Model { get; }

    /// <summary>The network called <paramref name="name"/>, or null.</summary>
    public NetworkSpec? Network(string? name) => name is not null && _networks.TryGetValue(name, out var n) ? n : null;

    /// <summary>The pool called <paramref name="name"/>, or null.</summary>
    public PoolSpec? Pool(string? name) => name is not null && _pools.TryGetValue(name, out var p) ? p : null;

    /// <summary>The etherstub called <paramref name="name"/>, or null.</summary>
    public EtherstubSpec? Etherstub(string? name) => name is not null && _etherstubs.TryGetValue(name, out var e) ? e : null;

    /// <summary>The link called <paramref name="name"/>, or null.</summary>
    public LinkSpec? Link(string? name) => name is not null && _links.TryGetValue(name, out var l) ? l : null;

    /// <summary>True when <paramref name="name"/> is an etherstub (false for a physical link).</summary>
    public bool IsEtherstub(string name) => _etherstubs.ContainsKey(name);

    /// <summary>The network of a resolved VNIC (pool VNICs carry their chosen network after resolution).</summary>
    public NetworkSpec? NetworkOf(VnicSpec vnic) => Network(vnic.Network);

    /// <summary>The L2 domain a VNIC sits in, or null for an unresolved pool VNIC.</summary>
    public L2Domain? DomainOf(VnicSpec vnic) =>
        NetworkOf(vnic) is { } n ? new L2Domain(n.Over, n.Vlan)
        : vnic.Over is { } over ? new L2Domain(over, vnic.Vlan ?? 0)
        : null;

    /// <summary>
    /// The router a network's gateways live on, or null when the network has no gateway (then nothing routes out of
    /// it). Networks with the same router are routed to each other and to nothing else: the router is the network's
    /// tenant, or the network itself when it has no tenant. One rule for every backend and for the audit's expectations.
    /// </summary>
    public static string? RouterOf(NetworkSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Subnets.Any(s => s.Gateway is not null) ? network.Tenant ?? network.Name : null;
    }

    /// <summary>MTU of the etherstub or link called <paramref name="name"/>.</summary>
    public int MtuOfLower(string name) => Etherstub(name)?.EffectiveMtu ?? Link(name)?.EffectiveMtu ?? LinkSpec.DefaultMtu;

    /// <summary>The VNIC's MTU in effect: its own, else its network's, else 1500 (never the etherstub's 9000).</summary>
    public int EffectiveMtu(VnicSpec vnic) => vnic.Mtu ?? NetworkOf(vnic)?.EffectiveMtu ?? NetworkSpec.DefaultMtu;

    /// <summary>The primary VNIC of a zone: the one marked primary, else the first.</summary>
    public static VnicSpec? PrimaryVnic(ZoneSpec zone) => zone.Vnics.FirstOrDefault(v => v.Primary == true) ?? zone.Vnics.FirstOrDefault();

    /// <summary>The zone's routes in effect: its own, else a default route via each gateway of the primary VNIC's network.</summary>
    public IReadOnlyList<RouteSpec> EffectiveRoutes(ZoneSpec zone)
    {
        if (zone.Routes is { } routes)
        {
            return routes;
        }

        if (PrimaryVnic(zone) is not { } primary || NetworkOf(primary) is not { } network)
        {
            return [];
        }

        return [.. network.Subnets
            .Where(s => s.Gateway is not null && primary.Addresses.Any(a => FamilyOf(a, network) == s.Family))
            .Select(s => new RouteSpec
            {
                Destination = s.Family == AddressFamily.InterNetwork ? IPNetwork.Parse("0.0.0.0/0") : IPNetwork.Parse("::/0"),
                Gateway = s.Gateway!,
            })];
    }

    /// <summary>
    /// The family of an address object: declared, else that of its fixed address, else IPv6 for addrconf, IPv4 for
    /// dhcp, else the single family of the network.
    /// </summary>
    public static AddressFamily? FamilyOf(AddressSpec address, NetworkSpec? network) =>
        address.Family
        ?? address.Address?.AddressFamily
        ?? address.Type switch
        {
            AddressType.Addrconf => AddressFamily.InterNetworkV6,
            AddressType.Dhcp => AddressFamily.InterNetwork,
            _ => network?.Subnets.Select(s => (AddressFamily?)s.Family).SingleOrDefault(),
        };

    /// <summary>
    /// The concrete interface addresses of a resolved VNIC: static addresses with their prefix, and addrconf
    /// addresses derived from the MAC (EUI-64) in the network's IPv6 prefix.
    /// </summary>
    public IReadOnlyList<(AddressSpec Spec, InterfaceAddress Address)> InterfaceAddresses(VnicSpec vnic)
    {
        var network = NetworkOf(vnic);
        var result = new List<(AddressSpec, InterfaceAddress)>();
        foreach (var a in vnic.Addresses)
        {
            if (a.Type == AddressType.Static && a.Address is { } ip)
            {
                var plen = a.PrefixLength ?? network?.Subnets.FirstOrDefault(s => s.Family == ip.AddressFamily)?.Subnet.PrefixLength ?? IpAddressMath.BitsOf(ip.AddressFamily);
                result.Add((a, new InterfaceAddress(ip, plen)));
            }
            else if (a.Type == AddressType.Addrconf && vnic.Mac is { } mac && network?.Ipv6 is { } v6 && v6.Subnet.PrefixLength <= 64)
            {
                result.Add((a, new InterfaceAddress(Eui64.Derive(v6.Subnet, mac), 64)));
            }
        }

        return result;
    }

    /// <summary>
    /// Source prefixes ip-nospoof lets through: the VNIC's <c>allowed-ips</c>, else its own addresses (host
    /// prefixes). A VNIC with any IPv6 address also gets its MAC-derived link-local address, as illumos' ip-nospoof
    /// allows it: without it neighbour discovery, and with it all of IPv6, would break.
    /// </summary>
    public IReadOnlyList<IPNetwork> AllowedSources(VnicSpec vnic)
    {
        var addresses = InterfaceAddresses(vnic);
        var result = vnic.AllowedIps is { } explicitList
            ? [.. explicitList]
            : addresses.Select(a => new IPNetwork(a.Address.Address, IpAddressMath.BitsOf(a.Address.Family))).ToList();
        var hasIpv6 = addresses.Any(a => a.Address.Family == AddressFamily.InterNetworkV6) || vnic.Addresses.Any(a => a.Type == AddressType.Addrconf);
        if (hasIpv6 && vnic.Mac is { } mac)
        {
            var linkLocal = new IPNetwork(Eui64.LinkLocal(mac), 128);
            if (!result.Contains(linkLocal))
            {
                result.Add(linkLocal);
            }
        }

        return result;
    }
}
