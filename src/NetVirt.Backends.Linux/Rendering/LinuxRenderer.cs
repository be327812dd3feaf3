using System.Net;
using System.Net.Sockets;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Kinds;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Rendering;

/// <summary>
/// Model → desired Linux objects. Pure. A zone becomes a namespace; every L2 domain (etherstub, VLAN) of the
/// model a bridge; a VNIC over an etherstub a veth pair on its domain's bridge (MAC, MTU and addresses on the zone
/// end), with its protection as elements of the nftables table and its <c>maxbw</c> as tc shaping; a VNIC over a
/// physical link a bridge-mode macvlan inside the zone. Networks of one router (<see cref="ModelIndex.RouterOf"/>)
/// share a router namespace with a leg into each of their bridges carrying the gateway addresses, and forwarding on
/// in that namespace only. What the host cannot realise becomes a <see cref="PlanProblem"/>. Each kind builds its own
/// resources (<see cref="LinuxKind"/>); this class walks the model.
/// </summary>
internal sealed class LinuxRenderer
{
    private readonly NetworkModel _model;
    private readonly ModelIndex _index;
    private readonly LinuxContext _context;
    private readonly LinuxNaming _naming;
    private readonly LinuxCapabilities _capabilities;
    private readonly RenderedResources _rendered = new();
    // Host interface name -> the model object it was derived for (hashed names can collide).
    private readonly Dictionary<string, string> _hostNames = new(StringComparer.Ordinal);
    private readonly Dictionary<L2Domain, BridgeTree> _trees = [];
    private HostResource? _table;

    private LinuxRenderer(NetworkModel model, LinuxContext context, LinuxCapabilities capabilities)
    {
        _model = model;
        _index = new ModelIndex(model);
        _context = context;
        _naming = context.Naming;
        _capabilities = capabilities;
    }

    /// <summary>Renders <paramref name="model"/>.</summary>
    public static RenderResult Render(NetworkModel model, LinuxContext context, LinuxCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(capabilities);
        var renderer = new LinuxRenderer(model, context, capabilities);
        renderer.Run();
        return renderer._rendered.ToResult();
    }

    private void Run()
    {
        // Bridges for every L2 domain on an etherstub that a network or a VNIC names, in a stable order.
        var domains = _model.Networks.Select(n => new L2Domain(n.Over, n.Vlan))
            .Concat(_model.Zones.SelectMany(z => z.Vnics).Select(v => _index.DomainOf(v)).OfType<L2Domain>())
            .Where(d => _index.IsEtherstub(d.Over))
            .Distinct()
            .OrderBy(d => d.Over, StringComparer.Ordinal).ThenBy(d => d.Vlan);
        // The bridge's MTU: the largest of its ports' (VNICs and router legs), which only matters for frames the
        // bridge itself would send (none); set explicitly so that it does not follow the smallest port.
        var mtus = _model.Networks.Select(n => (Domain: new L2Domain(n.Over, n.Vlan), Mtu: n.EffectiveMtu))
            .Concat(_model.Zones.SelectMany(z => z.Vnics).Where(v => _index.DomainOf(v) is not null).Select(v => (Domain: _index.DomainOf(v)!, Mtu: _index.EffectiveMtu(v))))
            .GroupBy(d => d.Domain)
            .ToDictionary(g => g.Key, g => g.Max(d => d.Mtu));
        var bridges = new Dictionary<L2Domain, (string Name, int Mtu)>();
        // Containers' VNICs in a slot of their own (ContainerSlots) are on container leaves; the rest are spread by the tree.
        var onEtherstubs = _model.Zones.SelectMany(z => z.Vnics.Select(v => (Zone: z, Vnic: v)))
            .Where(x => _index.DomainOf(x.Vnic) is { } d && _index.IsEtherstub(d.Over))
            .ToList();
        var vnics = onEtherstubs.Where(x => SlotOf(x.Zone, x.Vnic.Name) == 0)
            .GroupBy(x => _index.DomainOf(x.Vnic)!)
            .ToDictionary(g => g.Key, g => g.Select(x => VnicKey(x.Zone.Name, x.Vnic.Name)).Distinct(StringComparer.Ordinal).ToList());
        var containerLeaves = onEtherstubs.Where(x => SlotOf(x.Zone, x.Vnic.Name) > 0)
            .GroupBy(x => _index.DomainOf(x.Vnic)!)
            .ToDictionary(g => g.Key, g => (Slots: g.Select(x => SlotOf(x.Zone, x.Vnic.Name)).Distinct().Order().ToList(), Vnics: g.Count()));
        var legs = _model.Networks.Where(n => _index.IsEtherstub(n.Over) && ModelIndex.RouterOf(n) is not null)
            .GroupBy(n => new L2Domain(n.Over, n.Vlan))
            .ToDictionary(g => g.Key, g => g.Select(ModelIndex.RouterOf).Distinct(StringComparer.Ordinal).Count());
        foreach (var domain in domains)
        {
            var name = _naming.Bridge(domain.Over, domain.Vlan);
            var mtu = mtus.GetValueOrDefault(domain, _index.MtuOfLower(domain.Over));
            if (ClaimHostName(name, $"bridge for {domain}") && Add(BridgeKind.Desired(name, mtu, _context)) is not null)
            {
                bridges[domain] = (name, mtu);
            }

            RenderTree(domain, name, mtu, vnics.GetValueOrDefault(domain, []), legs.GetValueOrDefault(domain), containerLeaves.GetValueOrDefault(domain, ([], 0)));
        }

        RenderRouters();
        foreach (var zone in _model.Zones)
        {
            RenderZone(zone);
        }

        if (_context.Overlay is { } overlay)
        {
            RenderOverlay(overlay, bridges);
        }

        CheckNeighbourTables();
    }

    /// <summary>
    /// The kernel keeps one ARP table and one IPv6 neighbour table for the whole host, shared by every namespace, each
    /// holding at most its <c>gc_thresh3</c> entries, and refuses new entries past it (entries used in the last 5 s
    /// cannot be evicted). A zone that talks needs an entry for its gateway or peer, and the gateway or peer one for it:
    /// two per VNIC of the family. Measured at the default 1,024: 1,000 zones pinging their gateways at once, 488 got no
    /// answer (5,856 refused entries; benchmark `neighbours`); with the limit at 8,192, none failed. So a host whose VNICs need more than the
    /// limit is a problem before anything changes, as the receive backlog is.
    /// </summary>
    private void CheckNeighbourTables()
    {
        var (ipv4, ipv6) = (0, 0);
        foreach (var vnic in _model.Zones.SelectMany(z => z.Vnics))
        {
            var addresses = _index.InterfaceAddresses(vnic);
            ipv4 += addresses.Any(a => a.Address.Family == AddressFamily.InterNetwork) ? 1 : 0;
            ipv6 += addresses.Any(a => a.Address.Family == AddressFamily.InterNetworkV6) ? 1 : 0;
        }

        foreach (var (vnics, limit, family, table, sysctl) in new[]
        {
            (ipv4, _capabilities.ArpTableLimit, "IPv4", "ARP table", "net.ipv4.neigh.default"),
            (ipv6, _capabilities.NdTableLimit, "IPv6", "IPv6 neighbour table", "net.ipv6.neigh.default"),
        })
        {
            var needed = LinuxCapabilities.NeighbourEntriesPerVnic * vnics;
            if (limit is { } max && needed > max)
            {
                var suggested = LinuxCapabilities.Suggest(needed);
                _rendered.Problem(
                    "this host",
                    $"has {vnics:N0} VNICs with {family} addresses, and each that talks needs an entry in the kernel's {table} "
                    + $"for its gateway or peer and the gateway or peer one for it, {needed:N0} in all; the kernel keeps one {table} for the whole host, "
                    + $"shared by every namespace, with at most {sysctl}.gc_thresh3 = {max:N0} entries, and refuses new ones past it, so zones would stop reaching "
                    + $"their gateways and each other: raise it to at least {needed:N0} (sysctl -w {sysctl}.gc_thresh3={suggested} {sysctl}.gc_thresh2={suggested / 2}, "
                    + "and in /etc/sysctl.d to keep it)");
            }
        }
    }

    /// <summary>
    /// A host of a model with hosts: each L2 domain it shares with another host gets a VXLAN device on the domain's
    /// bridge, protected so that only the domain's remote VNICs and anycast gateways send through it, with a forwarding
    /// entry per remote VNIC and a neighbour entry per remote address, all from the model; the underlay must carry
    /// the largest of those domains' MTUs plus the VXLAN overhead.
    /// </summary>
    private void RenderOverlay(LinuxOverlay overlay, Dictionary<L2Domain, (string Name, int Mtu)> bridges)
    {
        foreach (var domain in overlay.Tunnelled.OrderBy(d => d.Over, StringComparer.Ordinal).ThenBy(d => d.Vlan))
        {
            var subject = $"overlay of {domain.Domain} (VNI {domain.Vni})";
            if (!bridges.TryGetValue(domain.Domain, out var bridge))
            {
                continue; // nothing of the domain on this host (an empty model: destroy): nothing to join to it
            }

            var name = _naming.Vxlan(domain.Over, domain.Vlan);
            // The tunnel carries the largest frames of the domain on any host; the bridge only forwards to ports that take them.
            if (!ClaimHostName(name, subject) || Add(VxlanKind.Desired(name, domain.Vni, overlay.Local, overlay.Port, bridge.Name, domain.Mtu, _context), subject) is null)
            {
                continue;
            }
            var gateways = _model.Networks.Where(n => new L2Domain(n.Over, n.Vlan) == domain.Domain && ModelIndex.RouterOf(n) is not null)
                .Select(n => AnycastGateway.MacOf(ModelIndex.RouterOf(n)!).ToString());
            Add(ProtectionKind.Overlay(name, [.. domain.Remote.Select(r => r.Mac.ToString()), .. gateways], Table().Id), subject);
            foreach (var remote in domain.Remote)
            {
                var what = $"{subject}: zone {remote.Zone} vnic {remote.Vnic} on host {remote.Host}";
                Add(FdbKind.Desired(name, remote.Mac, remote.HostAddress), what);
                foreach (var address in remote.Addresses.Distinct())
                {
                    Add(NeighbourKind.Of(name, address, remote.Mac), what);
                }
            }
        }

        if (overlay.UnderlayMtu > 0)
        {
            Add(UnderlayKind.Required(overlay.Local.ToString(), overlay.UnderlayMtu), $"underlay address {overlay.Local}");
        }
    }

    private HostResource Table() => _table ??= Add(NftTableKind.Desired(_context))!;

    private static string VnicKey(string zone, string vnic) => $"{zone}/{vnic}";

    /// <summary>
    /// A domain with more ports than one bridge takes becomes a tree (<see cref="BridgeTree"/>): its bridge is the root,
    /// with the router legs and a trunk to each leaf bridge, and the VNICs are spread over the leaves. A domain larger
    /// than the backend realises is a problem before anything changes.
    /// </summary>
    private void RenderTree(L2Domain domain, string root, int mtu, IReadOnlyList<string> vnics, int legs, (List<int> Slots, int Vnics) containers)
    {
        var limits = _context.Trees;
        if (vnics.Count + containers.Vnics > limits.MaxVnics)
        {
            _rendered.Problem(
                DomainSubject(domain),
                $"has {vnics.Count + containers.Vnics:N0} VNICs on etherstub {domain.Over} VLAN {domain.Vlan}; the Linux backend realises at most {limits.MaxVnics:N0} VNICs in one L2 domain "
                + $"(a Linux bridge takes at most {limits.KernelPorts:N0} ports, so a larger domain is a tree of bridges, measured up to {limits.MaxVnics:N0} VNICs): "
                + "spread the zones over more networks (VLANs)");
        }

        // Each container leaf's trunk is a port of the domain's bridge, as a router's leg is.
        var tree = BridgeTree.Plan(vnics, legs + containers.Slots.Count, limits);
        _trees[domain] = tree;

        // A flood from one port is queued once for every other port: the VNICs and legs, and both ends of each trunk.
        var flooded = vnics.Count + containers.Vnics + legs + (2 * (tree.Leaves + containers.Slots.Count)) - 1;
        if (_capabilities.NetdevMaxBacklog is { } backlog && flooded > backlog)
        {
            _rendered.Problem(
                DomainSubject(domain),
                $"has {flooded + 1:N0} bridge ports on etherstub {domain.Over} VLAN {domain.Vlan}: a bridge floods every broadcast and multicast frame "
                + $"(ARP, IPv6 neighbour discovery) to all other {flooded:N0} ports at once, and each copy waits in the host's receive backlog, "
                + $"net.core.netdev_max_backlog = {backlog:N0} frames, so the copies beyond it would be lost and zones would not find each other: "
                + $"raise it to at least {flooded:N0} (sysctl -w net.core.netdev_max_backlog={LinuxCapabilities.Suggest(flooded)}, and in /etc/sysctl.d to keep it) "
                + "or spread the zones over more networks (VLANs)");
        }

        for (var leaf = 0; leaf < tree.Leaves; leaf++)
        {
            var name = _naming.LeafBridge(domain.Over, domain.Vlan, leaf);
            var subject = $"leaf bridge {leaf} of {domain}";
            if (ClaimHostName(name, subject) && ClaimHostName(_naming.TrunkLeafEnd(name), subject) && ClaimHostName(_naming.TrunkRootEnd(name), subject))
            {
                Add(BridgeKind.Desired(name, mtu, _context), subject);
                Add(TrunkKind.Desired(name, root, mtu, _context), subject);
            }
        }

        // The container leaves that have containers: made when the first container of a slot is attached, and by an
        // apply; one left empty by the containers' removal goes with the next apply.
        foreach (var slot in containers.Slots)
        {
            var name = _naming.ContainerLeafBridge(domain.Over, domain.Vlan, slot);
            var subject = $"container leaf {slot} of {domain}";
            if (ClaimHostName(name, subject) && ClaimHostName(_naming.TrunkLeafEnd(name), subject) && ClaimHostName(_naming.TrunkRootEnd(name), subject))
            {
                Add(BridgeKind.Desired(name, mtu, _context), subject);
                Add(TrunkKind.Desired(name, root, mtu, _context), subject);
            }
        }
    }

    /// <summary>The slot of a container's VNIC (<see cref="ContainerSlots"/>); 0 for a declared zone's.</summary>
    private static int SlotOf(ZoneSpec zone, string vnic) =>
        zone.Container?.Attachments.FirstOrDefault(a => a.Interface == vnic)?.Slot ?? 0;

    private string DomainSubject(L2Domain domain)
    {
        var networks = _model.Networks.Where(n => n.Over == domain.Over && n.Vlan == domain.Vlan).Select(n => n.Name).Order(StringComparer.Ordinal).ToList();
        return networks.Count > 0 ? $"network {string.Join(", ", networks)}" : $"L2 domain {domain}";
    }

    /// <summary>The bridge a VNIC of <paramref name="domain"/> is a port of: its container leaf, its leaf in a tree, or the domain's.</summary>
    private string BridgeOf(L2Domain domain, ZoneSpec zone, string vnic) =>
        SlotOf(zone, vnic) is > 0 and var slot ? _naming.ContainerLeafBridge(domain.Over, domain.Vlan, slot)
        : _trees.TryGetValue(domain, out var tree) && tree.LeafOf.TryGetValue(VnicKey(zone.Name, vnic), out var leaf) ? _naming.LeafBridge(domain.Over, domain.Vlan, leaf)
        : _naming.Bridge(domain.Over, domain.Vlan);

    private void RenderRouters()
    {
        var routed = _model.Networks
            .Where(n => _index.IsEtherstub(n.Over) && ModelIndex.RouterOf(n) is not null)
            .GroupBy(n => ModelIndex.RouterOf(n)!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var router in routed)
        {
            var netns = _naming.RouterNetns(router.Key);
            var netnsResource = Add(NetnsKind.Desired(netns, null, _context), $"router {router.Key}");
            if (netnsResource is null)
            {
                continue;
            }

            Add(ForwardingKind.Desired(netns, netnsResource.Id));
            foreach (var domain in router.GroupBy(n => new L2Domain(n.Over, n.Vlan)).OrderBy(g => g.Key.Over, StringComparer.Ordinal).ThenBy(g => g.Key.Vlan))
            {
                var subject = $"router {router.Key} leg into {domain.Key}";
                var hostEnd = _naming.RouterLegHostEnd(router.Key, domain.Key.Over, domain.Key.Vlan);
                var inside = LinuxNaming.RouterLegInside(domain.Key.Over, domain.Key.Vlan);
                if (!ClaimHostName(hostEnd, subject))
                {
                    continue;
                }

                var bridge = _naming.Bridge(domain.Key.Over, domain.Key.Vlan);
                // With an overlay, every host's leg of the router carries the same MAC: a distributed anycast gateway.
                MacAddress? mac = _context.Overlay is null ? null : AnycastGateway.MacOf(router.Key);
                var leg = Add(VethKind.Leg.Desired(LinuxNames.Interface(netns, inside), null, hostEnd, bridge, mac, domain.Max(n => n.EffectiveMtu), netnsResource.Id, _context), subject);
                if (leg is null)
                {
                    continue;
                }

                foreach (var network in domain.OrderBy(n => n.Name, StringComparer.Ordinal))
                {
                    foreach (var subnet in network.Subnets.Where(s => s.Gateway is not null))
                    {
                        var address = new InterfaceAddress(subnet.Gateway!, subnet.Subnet.PrefixLength);
                        Add(AddressKind.Of(netns, inside, address, null, netnsResource.Id, leg.Id), $"gateway {subnet.Gateway} of network {network.Name}");
                    }
                }
            }
        }
    }

    private void RenderZone(ZoneSpec zone)
    {
        string netns;
        ResourceId netnsId;
        if (zone.Container is { } container)
        {
            // A container's namespace is its runtime's: referred to by its path, never created or deleted. Only what
            // NetVirt puts into it (the VNIC's end, addresses, routes) and the host side are NetVirt's.
            if (container.Netns is not { } path || !LinuxNaming.CanReferToContainerNetns(path))
            {
                _rendered.Problem($"container zone {zone.Name}", $"has no usable network namespace path ('{container.Netns}'): an absolute path without ':' or '@'");
                return;
            }

            netns = LinuxNaming.ContainerNetns(zone.Name, path);
            netnsId = new ResourceId(NetnsKind.Definition.Name, netns);
        }
        else
        {
            netns = _naming.ZoneNetns(zone.Name);
            if (Add(NetnsKind.Desired(netns, zone.Name, _context), $"zone {zone.Name}") is not { } netnsResource)
            {
                return;
            }

            netnsId = netnsResource.Id;
        }

        var onLink = new List<(InterfaceAddress Address, HostResource Interface, HostResource AddressResource)>();
        var unrendered = new List<InterfaceAddress>();
        foreach (var vnic in zone.Vnics)
        {
            var subject = $"zone {zone.Name} vnic {vnic.Name}";
            if (RenderVnic(zone, vnic, netns, netnsId, subject) is not { } link)
            {
                unrendered.AddRange(_index.InterfaceAddresses(vnic).Select(a => a.Address));
                continue;
            }

            foreach (var address in vnic.Addresses)
            {
                var what = $"{subject} address {address.Tag}";
                if (address.Type == AddressType.Dhcp)
                {
                    _rendered.Problem(what, "is DHCP; the Linux backend runs no DHCP client in namespaces: give the VNIC a static (or auto) address");
                }
            }

            foreach (var (spec, address) in _index.InterfaceAddresses(vnic))
            {
                var resource = Add(AddressKind.Of(netns, vnic.Name, address, zone.Name, netnsId, link.Id), $"{subject} address {spec.Tag}");
                if (resource is not null)
                {
                    onLink.Add((address, link, resource));
                }
            }

            foreach (var address in vnic.Addresses.Where(a => a.IsAuto))
            {
                _rendered.Problem($"{subject} address {address.Tag}", "has no address yet (auto addresses need IPAM before rendering)");
            }
        }

        foreach (var route in _index.EffectiveRoutes(zone))
        {
            var via = onLink.FirstOrDefault(a => a.Address.Network.Contains(route.Gateway));
            var subject = $"zone {zone.Name} route to {route.Destination}";
            if (via.AddressResource is null)
            {
                // A gateway on a VNIC whose own problem left it unrendered: that problem is the cause, not the route.
                if (!unrendered.Any(a => a.Network.Contains(route.Gateway)))
                {
                    _rendered.Problem(subject, $"gateway {route.Gateway} is in the subnet of none of the zone's addresses, so the kernel would refuse the route");
                }

                continue;
            }

            Add(RouteKind.Of(netns, route.Destination, route.Gateway, zone.Name, [netnsId, via.Interface.Id, via.AddressResource.Id]), subject);
        }
    }

    private HostResource? RenderVnic(ZoneSpec zone, VnicSpec vnic, string netns, ResourceId netnsId, string subject)
    {
        if (_rendered.Resolved(_index, vnic, subject) is not { } resolved)
        {
            return null;
        }

        var (domain, mac) = resolved;

        var mtu = _index.EffectiveMtu(vnic);
        var name = LinuxNames.Interface(netns, vnic.Name);
        if (!_index.IsEtherstub(domain.Over))
        {
            if (zone.IsContainer)
            {
                _rendered.Problem(subject, $"is a container's interface on physical link {domain.Over}: containers attach to etherstub networks (a veth on the network's bridge) only");
                return null;
            }

            return RenderMacvlan(zone, vnic, domain, name, mac, mtu, netnsId, subject);
        }

        var hostEnd = _naming.VnicHostEnd(zone.Name, vnic.Name);
        if (!ClaimHostName(hostEnd, subject))
        {
            return null;
        }

        var bridge = BridgeOf(domain, zone, vnic.Name);
        var veth = Add(VethKind.Vnic.Desired(name, zone.Name, hostEnd, bridge, mac, mtu, netnsId, _context), subject);
        if (veth is null)
        {
            return null;
        }

        var protection = vnic.EffectiveProtection;
        if (protection != Protection.None)
        {
            var table = Table();
            var allowed = protection.HasFlag(Protection.IpNospoof) ? Collapse(_index.AllowedSources(vnic)) : [];
            Add(ProtectionKind.Desired(name, zone.Name, hostEnd, protection, mac.ToString(), string.Join(',', allowed.Select(p => p.ToString()).Order(StringComparer.Ordinal)), table.Id), subject);
        }

        if (vnic.MaxBandwidth is { } bits)
        {
            var ifb = _naming.VnicIfb(zone.Name, vnic.Name);
            if (ClaimHostName(ifb, subject))
            {
                Add(ShapingKind.Desired(name, zone.Name, hostEnd, ifb, bits, veth.Id, _context), subject);
            }
        }

        return veth;
    }

    private HostResource? RenderMacvlan(ZoneSpec zone, VnicSpec vnic, L2Domain domain, string name, MacAddress mac, int mtu, ResourceId netnsId, string subject)
    {
        if (domain.Vlan != 0)
        {
            _rendered.Problem(subject, _capabilities.Has8021q
                ? $"sits on physical link {domain.Over} with VLAN {domain.Vlan}; the Linux backend realises VNICs over a physical link as untagged macvlans only"
                : $"sits on physical link {domain.Over} with VLAN {domain.Vlan}, which needs 802.1Q tagging: this kernel has no 8021q module (CONFIG_VLAN_8021Q); use VLAN 0 on the link, or an etherstub");
            return null;
        }

        if (vnic.EffectiveProtection != Protection.None || vnic.MaxBandwidth is not null)
        {
            _rendered.Problem(subject,
                $"sits on physical link {domain.Over} (a macvlan): a macvlan has no host-side port where NetVirt could enforce protection or maxbw; "
                + "set 'protection: []' and no maxbw for it, or put the VNIC on an etherstub");
            return null;
        }

        var link = LinkKind.Required(domain.Over);
        _rendered.AddOnce(link);
        return Add(MacvlanKind.Desired(name, zone.Name, domain.Over, mac, mtu, netnsId, link.Id, _context), subject);
    }

    /// <summary>Drops prefixes another one of the list covers (nft interval sets refuse overlaps), sorted.</summary>
    public static IReadOnlyList<IPNetwork> Collapse(IEnumerable<IPNetwork> prefixes)
    {
        var list = prefixes.Distinct().OrderBy(p => p.PrefixLength).ToList();
        var kept = new List<IPNetwork>();
        foreach (var prefix in list)
        {
            if (!kept.Any(k => k.BaseAddress.AddressFamily == prefix.BaseAddress.AddressFamily && k.PrefixLength <= prefix.PrefixLength && k.Contains(prefix.BaseAddress)))
            {
                kept.Add(prefix);
            }
        }

        return kept;
    }

    private bool ClaimHostName(string name, string subject)
    {
        if (name.Length > LinuxNaming.MaxInterfaceName)
        {
            _rendered.Problem(subject, $"host interface name '{name}' is longer than {LinuxNaming.MaxInterfaceName} characters");
            return false;
        }

        if (!_hostNames.TryAdd(name, subject))
        {
            // Hashed names carry 4 bits per hex digit left after the prefix (backend README, Known limits).
            _rendered.Problem(subject,
                $"host interface name '{name}' is also derived for {_hostNames[name]} (hashed names have {4 * _naming.HashDigits} bits after the ownership prefix " +
                $"'{_naming.Prefix}'); rename one of them, or use a shorter prefix: each character less leaves 4 more bits");
            return false;
        }

        return true;
    }

    private HostResource? Add(HostResource resource, string? subject = null) => _rendered.Add(resource, subject);
}
