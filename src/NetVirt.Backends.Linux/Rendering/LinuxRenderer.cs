using System.Net;
using System.Net.Sockets;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Nftables;
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
/// in that namespace only. What the host cannot realise becomes a <see cref="PlanProblem"/>.
/// </summary>
public sealed class LinuxRenderer
{
    private readonly NetworkModel _model;
    private readonly ModelIndex _index;
    private readonly LinuxNaming _naming;
    private readonly LinuxCapabilities _capabilities;
    private readonly RenderedResources _rendered = new();
    private readonly HashSet<string> _hostNames = new(StringComparer.Ordinal);
    private HostResource? _table;

    private LinuxRenderer(NetworkModel model, LinuxNaming naming, LinuxCapabilities capabilities)
    {
        _model = model;
        _index = new ModelIndex(model);
        _naming = naming;
        _capabilities = capabilities;
    }

    /// <summary>Renders <paramref name="model"/>.</summary>
    public static RenderResult Render(NetworkModel model, LinuxNaming naming, LinuxCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(capabilities);
        var renderer = new LinuxRenderer(model, naming, capabilities);
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
        foreach (var domain in domains)
        {
            var name = _naming.Bridge(domain.Over, domain.Vlan);
            if (ClaimHostName(name, $"bridge for {domain}"))
            {
                Add(new HostResource { Kind = LinuxKinds.Bridge, Name = name, Properties = PropertyBag.Of((LinuxProperties.State, "up")) });
            }
        }

        RenderRouters();
        foreach (var zone in _model.Zones)
        {
            RenderZone(zone);
        }
    }

    private HostResource Table() => _table ??= Add(new HostResource
    {
        Kind = LinuxKinds.NftTable,
        Name = LinuxNames.Table(_naming.NftTable),
        Properties = PropertyBag.Of((LinuxProperties.Sets, NftRuleset.SetsProperty), (LinuxProperties.Rules, NftRuleset.RulesProperty)),
    })!;

    private void RenderRouters()
    {
        var routed = _model.Networks
            .Where(n => _index.IsEtherstub(n.Over) && ModelIndex.RouterOf(n) is not null)
            .GroupBy(n => ModelIndex.RouterOf(n)!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var router in routed)
        {
            var netns = _naming.RouterNetns(router.Key);
            var netnsResource = Add(new HostResource { Kind = LinuxKinds.Netns, Name = netns }, $"router {router.Key}");
            if (netnsResource is null)
            {
                continue;
            }

            Add(new HostResource
            {
                Kind = LinuxKinds.Forwarding,
                Name = netns,
                Properties = PropertyBag.Of((LinuxProperties.Ipv4, "1"), (LinuxProperties.Ipv6, "1")),
                DependsOn = [netnsResource.Id],
            });
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
                var leg = Add(new HostResource
                {
                    Kind = LinuxKinds.Leg,
                    Name = LinuxNames.Interface(netns, inside),
                    Properties = PropertyBag.Of(
                        (LinuxProperties.HostEnd, hostEnd),
                        (LinuxProperties.Bridge, bridge),
                        (LinuxProperties.Mtu, Integer(domain.Max(n => n.EffectiveMtu))),
                        (LinuxProperties.State, "up")),
                    DependsOn = [netnsResource.Id, new ResourceId(LinuxKinds.Bridge.Name, bridge)],
                }, subject);
                if (leg is null)
                {
                    continue;
                }

                foreach (var network in domain.OrderBy(n => n.Name, StringComparer.Ordinal))
                {
                    foreach (var subnet in network.Subnets.Where(s => s.Gateway is not null))
                    {
                        var address = new InterfaceAddress(subnet.Gateway!, subnet.Subnet.PrefixLength);
                        Add(new HostResource
                        {
                            Kind = LinuxKinds.Address,
                            Name = LinuxNames.Address(netns, inside, address.ToString()),
                            DependsOn = [netnsResource.Id, leg.Id],
                        }, $"gateway {subnet.Gateway} of network {network.Name}");
                    }
                }
            }
        }
    }

    private void RenderZone(ZoneSpec zone)
    {
        var netns = _naming.ZoneNetns(zone.Name);
        var netnsResource = Add(new HostResource { Kind = LinuxKinds.Netns, Name = netns, Zone = zone.Name }, $"zone {zone.Name}");
        if (netnsResource is null)
        {
            return;
        }

        var onLink = new List<(InterfaceAddress Address, HostResource Interface, HostResource AddressResource)>();
        foreach (var vnic in zone.Vnics)
        {
            var subject = $"zone {zone.Name} vnic {vnic.Name}";
            if (RenderVnic(zone, vnic, netns, netnsResource, subject) is not { } link)
            {
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
                var resource = Add(new HostResource
                {
                    Kind = LinuxKinds.Address,
                    Name = LinuxNames.Address(netns, vnic.Name, address.ToString()),
                    Zone = zone.Name,
                    DependsOn = [netnsResource.Id, link.Id],
                }, $"{subject} address {spec.Tag}");
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
                _rendered.Problem(subject, $"gateway {route.Gateway} is in the subnet of none of the zone's addresses, so the kernel would refuse the route");
                continue;
            }

            Add(new HostResource
            {
                Kind = LinuxKinds.Route,
                Name = LinuxNames.Route(netns, route.Destination.ToString()),
                Zone = zone.Name,
                Properties = PropertyBag.Of((LinuxProperties.Via, route.Gateway.ToString())),
                DependsOn = [netnsResource.Id, via.Interface.Id, via.AddressResource.Id],
            }, subject);
        }
    }

    private HostResource? RenderVnic(ZoneSpec zone, VnicSpec vnic, string netns, HostResource netnsResource, string subject)
    {
        if (_rendered.Resolved(_index, vnic, subject) is not { } resolved)
        {
            return null;
        }

        var (domain, mac) = resolved;

        var mtu = Integer(_index.EffectiveMtu(vnic));
        var name = LinuxNames.Interface(netns, vnic.Name);
        if (!_index.IsEtherstub(domain.Over))
        {
            return RenderMacvlan(zone, vnic, domain, name, mac, mtu, netnsResource, subject);
        }

        var hostEnd = _naming.VnicHostEnd(zone.Name, vnic.Name);
        if (!ClaimHostName(hostEnd, subject))
        {
            return null;
        }

        var bridge = _naming.Bridge(domain.Over, domain.Vlan);
        var veth = Add(new HostResource
        {
            Kind = LinuxKinds.Veth,
            Name = name,
            Zone = zone.Name,
            Properties = PropertyBag.Of(
                (LinuxProperties.HostEnd, hostEnd),
                (LinuxProperties.Bridge, bridge),
                (LinuxProperties.Mac, mac.ToString()),
                (LinuxProperties.Mtu, mtu),
                (LinuxProperties.State, "up")),
            DependsOn = [netnsResource.Id, new ResourceId(LinuxKinds.Bridge.Name, bridge)],
        }, subject);
        if (veth is null)
        {
            return null;
        }

        var protection = vnic.EffectiveProtection;
        if (protection != Protection.None)
        {
            var table = Table();
            var allowed = protection.HasFlag(Protection.IpNospoof) ? Collapse(_index.AllowedSources(vnic)) : [];
            Add(new HostResource
            {
                Kind = LinuxKinds.Protection,
                Name = name,
                Zone = zone.Name,
                Properties = PropertyBag.Of(
                    (LinuxProperties.Port, hostEnd),
                    (LinuxProperties.Flags, SpecNames.Format(protection)),
                    (LinuxProperties.Mac, protection.HasFlag(Protection.MacNospoof) ? mac.ToString() : ""),
                    (LinuxProperties.DhcpChaddr, protection.HasFlag(Protection.DhcpNospoof) ? mac.ToString() : ""),
                    (LinuxProperties.AllowedIps, string.Join(',', allowed.Select(p => p.ToString()).Order(StringComparer.Ordinal)))),
                DependsOn = [table.Id],
            }, subject);
        }

        if (vnic.MaxBandwidth is { } bits)
        {
            var rate = SpecNames.FormatBandwidth(bits);
            var ifb = _naming.VnicIfb(zone.Name, vnic.Name);
            if (ClaimHostName(ifb, subject))
            {
                Add(new HostResource
                {
                    Kind = LinuxKinds.Shaping,
                    Name = name,
                    Zone = zone.Name,
                    Properties = PropertyBag.Of(
                        (LinuxProperties.HostEnd, hostEnd),
                        (LinuxProperties.Ifb, ifb),
                        (LinuxProperties.Egress, rate),
                        (LinuxProperties.Ingress, rate)),
                    DependsOn = [veth.Id],
                }, subject);
            }
        }

        return veth;
    }

    private HostResource? RenderMacvlan(ZoneSpec zone, VnicSpec vnic, L2Domain domain, string name, MacAddress mac, string mtu, HostResource netnsResource, string subject)
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

        var link = new HostResource { Kind = LinuxKinds.Link, Name = domain.Over, Owned = false };
        _rendered.AddOnce(link);

        return Add(new HostResource
        {
            Kind = LinuxKinds.Macvlan,
            Name = name,
            Zone = zone.Name,
            Properties = PropertyBag.Of(
                (LinuxProperties.Lower, domain.Over),
                (LinuxProperties.Mac, mac.ToString()),
                (LinuxProperties.Mtu, mtu),
                (LinuxProperties.State, "up")),
            DependsOn = [netnsResource.Id, link.Id],
        }, subject);
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

        if (!_hostNames.Add(name))
        {
            _rendered.Problem(subject, $"host interface name '{name}' is also derived for another object; rename one of them");
            return false;
        }

        return true;
    }

    private HostResource? Add(HostResource resource, string? subject = null) => _rendered.Add(resource, subject);

    private static string Integer(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
