using System.Globalization;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Backends.Linux.Tc;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Observation;

/// <summary>
/// Turns what the kernel, tc and nft reported into host resources named and normalised exactly as
/// <see cref="Rendering.LinuxRenderer"/> names them. Pure. Ownership: namespaces and host interfaces whose names
/// carry the ownership mark, interfaces inside owned namespaces that carry a NetVirt alias, the addresses and
/// <c>proto static</c> routes on those, and the nftables table named as the prefix. Every other host interface is
/// reported as a foreign <c>link</c> (a requirement at most), never as something to change.
/// </summary>
internal static class LinuxObservation
{
    /// <summary>Alias kind of a zone VNIC's two ends; identity <c>{zone}/{vnic}</c>.</summary>
    public const string VnicAlias = "vnic";

    /// <summary>Alias kind of a router leg's two ends; identity <c>{router}/{router end name}</c>.</summary>
    public const string LegAlias = "leg";

    /// <summary>Alias kind of a shaping ifb; identity <c>{zone}/{vnic}</c>.</summary>
    public const string IfbAlias = "ifb";

    /// <summary>Alias kind of a bridge; identity <c>{over}/{vlan}</c>.</summary>
    public const string BridgeAlias = "bridge";

    public static HostState Build(
        LinuxNaming naming, IReadOnlyList<LinkObserved> hostLinks, IReadOnlyList<NamespaceObserved> namespaces, TcObserved tc, NftTableObserved? nft)
    {
        var resources = new List<HostResource>();
        var hostByName = hostLinks.GroupBy(l => l.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var hostByIndex = hostLinks.GroupBy(l => l.Index).ToDictionary(g => g.Key, g => g.First());
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var vethIds = new Dictionary<string, ResourceId>(StringComparer.Ordinal);
        var addressSeen = new HashSet<ResourceId>();

        foreach (var ns in namespaces)
        {
            var zone = naming.ZoneOfNetns(ns.Name);
            var netnsId = new ResourceId(LinuxKinds.Netns.Name, ns.Name);
            resources.Add(new HostResource { Kind = LinuxKinds.Netns, Name = ns.Name, Zone = zone });
            if (ns.Error is not null)
            {
                continue;
            }

            if (ns.Forwarding is { } forwarding)
            {
                resources.Add(new HostResource
                {
                    Kind = LinuxKinds.Forwarding,
                    Name = ns.Name,
                    Properties = PropertyBag.Of((LinuxProperties.Ipv4, forwarding.Ipv4), (LinuxProperties.Ipv6, forwarding.Ipv6)),
                    DependsOn = [netnsId],
                });
            }

            var interfaces = new Dictionary<int, HostResource>();
            foreach (var link in ns.Links)
            {
                if (LinuxNaming.ParseAlias(link.Alias) is not { } alias)
                {
                    continue;
                }

                var resource = alias.Kind switch
                {
                    VnicAlias when zone is not null && link.Kind == "veth" => Veth(zone, ns.Name, link, hostByIndex, claimed),
                    VnicAlias when zone is not null && link.Kind == "macvlan" => Macvlan(zone, ns.Name, link, hostByIndex),
                    LegAlias when link.Kind == "veth" => Leg(ns.Name, link, hostByIndex, claimed),
                    _ => null,
                };
                if (resource is null)
                {
                    continue;
                }

                resource = resource with { DependsOn = [netnsId, .. resource.DependsOn] };
                resources.Add(resource);
                interfaces[link.Index] = resource;
                vethIds[resource.Name] = resource.Id;
            }

            var addressIds = new List<(Model.Addressing.InterfaceAddress Address, int Index, ResourceId Id)>();
            foreach (var address in ns.Addresses)
            {
                if (address.Scope != Rtnl.RT_SCOPE_UNIVERSE || !interfaces.TryGetValue(address.Index, out var owner))
                {
                    continue;
                }

                var ifname = LinuxNames.Split(owner.Name).Remainder;
                var resource = new HostResource
                {
                    Kind = LinuxKinds.Address,
                    Name = LinuxNames.Address(ns.Name, ifname, address.Address.ToString()),
                    Zone = zone,
                    DependsOn = [netnsId, owner.Id],
                };
                if (addressSeen.Add(resource.Id))
                {
                    resources.Add(resource);
                    addressIds.Add((address.Address, address.Index, resource.Id));
                }
            }

            foreach (var route in ns.Routes)
            {
                if (route.Protocol != Rtnl.RTPROT_STATIC || route.Gateway is null)
                {
                    continue;
                }

                var dependsOn = new List<ResourceId> { netnsId };
                if (interfaces.TryGetValue(route.OutputIndex, out var through))
                {
                    dependsOn.Add(through.Id);
                }

                dependsOn.AddRange(addressIds.Where(a => a.Index == route.OutputIndex && a.Address.Network.Contains(route.Gateway)).Select(a => a.Id).Take(1));
                resources.Add(new HostResource
                {
                    Kind = LinuxKinds.Route,
                    Name = LinuxNames.Route(ns.Name, route.Destination.ToString()),
                    Zone = zone,
                    Properties = PropertyBag.Of((LinuxProperties.Via, route.Gateway.ToString())),
                    DependsOn = dependsOn.ToEquatableArray(),
                });
            }
        }

        AddHostLinks(naming, hostLinks, hostByName, claimed, tc, vethIds, resources);
        if (nft is not null)
        {
            AddNft(naming, nft, resources);
        }

        // Two observed objects can only share an identity if the host was changed by hand in a contradictory way
        // (two zone ends with one alias); keep the first, the plan repairs the rest.
        return new HostState(resources.GroupBy(r => r.Id).Select(g => g.First()));
    }

    // The host end is the zone end's peer: IFLA_LINK on each side names the other's index.
    private static LinkObserved? HostEnd(LinkObserved inside, Dictionary<int, LinkObserved> hostByIndex, HashSet<string> claimed)
    {
        if (inside.LinkNetnsId is null || !hostByIndex.TryGetValue(inside.Link, out var host) || host.Link != inside.Index || host.Kind != "veth")
        {
            return null;
        }

        claimed.Add(host.Name);
        return host;
    }

    private static string BridgeOf(LinkObserved? hostEnd, Dictionary<int, LinkObserved> hostByIndex) =>
        hostEnd is not null && hostEnd.Master != 0 && hostByIndex.TryGetValue(hostEnd.Master, out var bridge) ? bridge.Name : "";

    private static HostResource Veth(string zone, string netns, LinkObserved zoneEnd, Dictionary<int, LinkObserved> hostByIndex, HashSet<string> claimed)
    {
        var hostEnd = HostEnd(zoneEnd, hostByIndex, claimed);
        var bridge = BridgeOf(hostEnd, hostByIndex);
        return new HostResource
        {
            Kind = LinuxKinds.Veth,
            Name = LinuxNames.Interface(netns, zoneEnd.Name),
            Zone = zone,
            Properties = PropertyBag.Of(
                (LinuxProperties.HostEnd, hostEnd?.Name ?? ""),
                (LinuxProperties.Bridge, bridge),
                (LinuxProperties.Mac, zoneEnd.Mac?.ToString() ?? ""),
                (LinuxProperties.Mtu, Mtu(zoneEnd, hostEnd)),
                (LinuxProperties.State, zoneEnd.IsUp && hostEnd?.IsUp == true ? "up" : "down")),
            DependsOn = bridge.Length > 0 ? [new ResourceId(LinuxKinds.Bridge.Name, bridge)] : [],
        };
    }

    private static HostResource Leg(string netns, LinkObserved inside, Dictionary<int, LinkObserved> hostByIndex, HashSet<string> claimed)
    {
        var hostEnd = HostEnd(inside, hostByIndex, claimed);
        var bridge = BridgeOf(hostEnd, hostByIndex);
        return new HostResource
        {
            Kind = LinuxKinds.Leg,
            Name = LinuxNames.Interface(netns, inside.Name),
            Properties = PropertyBag.Of(
                (LinuxProperties.HostEnd, hostEnd?.Name ?? ""),
                (LinuxProperties.Bridge, bridge),
                (LinuxProperties.Mtu, Mtu(inside, hostEnd)),
                (LinuxProperties.State, inside.IsUp && hostEnd?.IsUp == true ? "up" : "down")),
            DependsOn = bridge.Length > 0 ? [new ResourceId(LinuxKinds.Bridge.Name, bridge)] : [],
        };
    }

    private static HostResource Macvlan(string zone, string netns, LinkObserved link, Dictionary<int, LinkObserved> hostByIndex)
    {
        var lower = link.LinkNetnsId is not null && hostByIndex.TryGetValue(link.Link, out var l) ? l.Name : "";
        return new HostResource
        {
            Kind = LinuxKinds.Macvlan,
            Name = LinuxNames.Interface(netns, link.Name),
            Zone = zone,
            Properties = PropertyBag.Of(
                (LinuxProperties.Lower, lower),
                (LinuxProperties.Mac, link.Mac?.ToString() ?? ""),
                (LinuxProperties.Mtu, Integer(link.Mtu)),
                (LinuxProperties.State, link.IsUp ? "up" : "down")),
            DependsOn = lower.Length > 0 ? [new ResourceId(LinuxKinds.Link.Name, lower)] : [],
        };
    }

    private static void AddHostLinks(
        LinuxNaming naming, IReadOnlyList<LinkObserved> hostLinks, Dictionary<string, LinkObserved> hostByName, HashSet<string> claimed,
        TcObserved tc, Dictionary<string, ResourceId> vethIds, List<HostResource> resources)
    {
        var shaped = new Dictionary<string, (string Zone, string Vnic)>(StringComparer.Ordinal);
        foreach (var link in hostLinks)
        {
            if (!naming.IsOwned(link.Name))
            {
                resources.Add(new HostResource { Kind = LinuxKinds.Link, Name = link.Name, Owned = false });
                continue;
            }

            var alias = LinuxNaming.ParseAlias(link.Alias);
            if (link.Kind == "bridge")
            {
                resources.Add(new HostResource { Kind = LinuxKinds.Bridge, Name = link.Name, Properties = PropertyBag.Of((LinuxProperties.State, link.IsUp ? "up" : "down")) });
            }
            else if (link.Kind == "ifb" && alias is { Kind: IfbAlias } ifbAlias && SplitPair(ifbAlias.Identity) is { } ifbOf)
            {
                shaped[link.Name] = ifbOf;
            }
            else if (!claimed.Contains(link.Name))
            {
                resources.Add(Stray(link));
            }
        }

        // Shaping per VNIC that has an ifb, or a shaped host end (whose ifb may be gone).
        var byVnic = new Dictionary<(string Zone, string Vnic), string?>();
        foreach (var (ifb, vnic) in shaped)
        {
            byVnic[vnic] = ifb.Length > 0 ? ifb : byVnic.GetValueOrDefault(vnic);
        }

        foreach (var link in hostLinks.Where(l => naming.IsOwned(l.Name) && l.Kind == "veth" && tc.TbfRates.ContainsKey(l.Name)))
        {
            if (LinuxNaming.ParseAlias(link.Alias) is { Kind: VnicAlias } a && SplitPair(a.Identity) is { } vnic)
            {
                byVnic.TryAdd(vnic, null);
            }
        }

        foreach (var ((zone, vnic), ifb) in byVnic)
        {
            var hostEndName = naming.VnicHostEnd(zone, vnic);
            var hostEnd = hostByName.ContainsKey(hostEndName) ? hostEndName : "";
            var egress = hostEnd.Length > 0 && tc.TbfRates.TryGetValue(hostEnd, out var e) ? Rate(e) : "";
            var ingress = hostEnd.Length > 0 && ifb is not null && tc.Redirects.TryGetValue(hostEnd, out var target) && target == ifb
                && tc.TbfRates.TryGetValue(ifb, out var i) ? Rate(i) : "";
            var name = LinuxNames.Interface(naming.ZoneNetns(zone), vnic);
            resources.Add(new HostResource
            {
                Kind = LinuxKinds.Shaping,
                Name = name,
                Zone = zone,
                Properties = PropertyBag.Of(
                    (LinuxProperties.HostEnd, hostEnd),
                    (LinuxProperties.Ifb, ifb ?? ""),
                    (LinuxProperties.Egress, egress),
                    (LinuxProperties.Ingress, ingress)),
                DependsOn = vethIds.TryGetValue(name, out var veth) ? [veth] : [],
            });
        }
    }

    private static void AddNft(LinuxNaming naming, NftTableObserved nft, List<HostResource> resources)
    {
        var table = new HostResource
        {
            Kind = LinuxKinds.NftTable,
            Name = LinuxNames.Table(naming.NftTable),
            Properties = PropertyBag.Of((LinuxProperties.Sets, nft.Sets), (LinuxProperties.Rules, nft.Rules)),
        };
        resources.Add(table);
        foreach (var port in nft.Ports.Values)
        {
            var name = port.Identity ?? LinuxNames.Interface("-", port.Port);
            var netns = port.Identity is not null ? LinuxNames.Split(port.Identity).Netns : "";
            resources.Add(new HostResource
            {
                Kind = LinuxKinds.Protection,
                Name = name,
                Zone = naming.ZoneOfNetns(netns),
                Properties = PropertyBag.Of(
                    (LinuxProperties.Port, port.Port),
                    (LinuxProperties.Flags, SpecNames.Format(port.Flags)),
                    (LinuxProperties.Mac, NftPortObserved.Join(port.Macs)),
                    (LinuxProperties.DhcpChaddr, NftPortObserved.Join(port.Chaddrs)),
                    (LinuxProperties.AllowedIps, NftPortObserved.Join(port.Allowed))),
                DependsOn = [table.Id],
            });
        }
    }

    private static HostResource Stray(LinkObserved link) => new() { Kind = LinuxKinds.Link, Name = link.Name, Properties = PropertyBag.Of(("type", link.Kind ?? "")) };

    private static (string Zone, string Vnic)? SplitPair(string identity)
    {
        var slash = identity.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < identity.Length - 1 ? (identity[..slash], identity[(slash + 1)..]) : null;
    }

    private static string Mtu(LinkObserved inside, LinkObserved? hostEnd) =>
        hostEnd is null || hostEnd.Mtu == inside.Mtu ? Integer(inside.Mtu) : $"{Integer(inside.Mtu)} (host end {Integer(hostEnd.Mtu)})";

    /// <summary>A tbf rate in bytes per second as <c>maxbw</c> text.</summary>
    public static string Rate(long bytesPerSecond) => SpecNames.FormatBandwidth(bytesPerSecond * 8);

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);
}
