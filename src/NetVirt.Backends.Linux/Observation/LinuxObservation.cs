using System.Text.RegularExpressions;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Kinds;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Backends.Linux.Tc;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Observation;

/// <summary>
/// Turns what the kernel, tc and nft reported into host resources named and normalised exactly as the renderer names
/// them (each kind's <c>Observed</c>). Pure. What is this deployment's: namespaces and host interfaces whose names
/// carry the ownership mark and that record this deployment's id or none (<see cref="LinuxNaming.IsOurs"/>),
/// interfaces inside those namespaces that carry a NetVirt alias, the addresses and <c>proto static</c> routes on
/// those, and the nftables table named as the prefix. Objects of the prefix that record another deployment's id are
/// reported as not owned, with that id, and so is everything inside such a namespace; every other host interface is a
/// foreign <c>link</c> (a requirement at most). A bridge's ports that are not this deployment's are its
/// <c>foreign-ports</c>.
/// </summary>
internal static partial class LinuxObservation
{
    /// <summary>
    /// Builds the observed state. <paramref name="entries"/> are the names of the prefix in <c>/run/netns</c>,
    /// <paramref name="namespaces"/> what was read in those that are namespaces, <paramref name="otherZones"/> the
    /// links of other prefixes' zone namespaces (only their marked interfaces are kept, for their MACs).
    /// </summary>
    public static HostState Build(
        LinuxContext context, IReadOnlyList<LinkObserved> hostLinks, IReadOnlyList<NetnsEntry> entries, IReadOnlyList<NamespaceObserved> namespaces,
        IReadOnlyList<NamespaceObserved> otherZones, TcObserved tc, NftTableObserved? nft, OverlayObserved? overlay = null,
        IReadOnlyList<AddressObserved>? hostAddresses = null)
    {
        var naming = context.Naming;
        var resources = new List<HostResource>();
        var hostByName = hostLinks.GroupBy(l => l.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var hostByIndex = hostLinks.GroupBy(l => l.Index).ToDictionary(g => g.Key, g => g.First());
        var read = namespaces.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var vethIds = new Dictionary<string, ResourceId>(StringComparer.Ordinal);
        var addressSeen = new HashSet<ResourceId>();

        foreach (var entry in entries)
        {
            var zone = naming.ZoneOfNetns(entry.Name);
            var ns = read.GetValueOrDefault(entry.Name);
            var loopback = ns?.Links.FirstOrDefault(l => l.Name == "lo");
            var netns = NetnsKind.Observed(entry, zone, loopback, context);
            // A container's namespace is its runtime's: what NetVirt put into it is observed, the namespace is not a resource.
            if (!LinuxNaming.IsContainerNetns(entry.Name))
            {
                resources.Add(netns);
            }
            if (ns is null || ns.Error is not null)
            {
                continue;
            }

            if (ns.Forwarding is { } forwarding && netns.Owned)
            {
                resources.Add(ForwardingKind.Observed(ns.Name, forwarding, netns.Id));
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
                    _ when alias.Kind == VethKind.Vnic.AliasKind && zone is not null && link.Kind == "veth" =>
                        Pair(VethKind.Vnic, ns.Name, zone, link, alias, hostByIndex, claimed, netns.Id, context),
                    _ when alias.Kind == VethKind.Vnic.AliasKind && zone is not null && link.Kind == "macvlan" =>
                        MacvlanKind.Observed(ns.Name, zone, link, alias, link.LinkNetnsId is not null && hostByIndex.TryGetValue(link.Link, out var lower) ? lower.Name : "", netns.Id, context),
                    _ when alias.Kind == VethKind.Leg.AliasKind && link.Kind == "veth" =>
                        Pair(VethKind.Leg, ns.Name, null, link, alias, hostByIndex, claimed, netns.Id, context),
                    _ => null,
                };
                if (resource is null)
                {
                    continue;
                }

                // Everything in another deployment's namespace is that deployment's.
                resource = netns.Owned ? resource : resource with { Owned = false, Deployment = netns.Deployment };
                resources.Add(resource);
                interfaces[link.Index] = resource;
                vethIds[resource.Name] = resource.Id;
            }

            if (!netns.Owned)
            {
                continue;
            }

            var addressIds = new List<(InterfaceAddress Address, int Index, ResourceId Id)>();
            foreach (var address in ns.Addresses)
            {
                if (address.Scope != Rtnl.RT_SCOPE_UNIVERSE || !interfaces.TryGetValue(address.Index, out var owner) || !owner.Owned)
                {
                    continue;
                }

                var resource = AddressKind.Of(ns.Name, LinuxNames.Split(owner.Name).Remainder, address.Address, zone, netns.Id, owner.Id);
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

                var dependsOn = new List<ResourceId> { netns.Id };
                if (interfaces.TryGetValue(route.OutputIndex, out var through))
                {
                    dependsOn.Add(through.Id);
                }

                dependsOn.AddRange(addressIds.Where(a => a.Index == route.OutputIndex && a.Address.Network.Contains(route.Gateway)).Select(a => a.Id).Take(1));
                resources.Add(RouteKind.Of(ns.Name, route.Destination, route.Gateway, zone, dependsOn));
            }
        }

        AddOtherPrefixes(otherZones, resources);
        AddTrunks(context, hostLinks, hostByName, hostByIndex, claimed, resources);
        AddHostLinks(context, hostLinks, hostByName, hostByIndex, claimed, tc, vethIds, hostAddresses ?? [], resources);
        if (overlay is not null)
        {
            AddOverlay(context, hostLinks, overlay, resources);
        }

        if (nft is not null)
        {
            var table = NftTableKind.Observed(nft, context);
            resources.Add(table);
            if (table.Owned)
            {
                resources.AddRange(nft.Ports.Values.Select(port => ProtectionKind.Observed(port, naming, table.Id)));
            }
        }

        // Two observed objects can only share an identity if the host was changed by hand in a contradictory way
        // (two zone ends with one alias); keep the first, the plan repairs the rest.
        return new HostState(resources.GroupBy(r => r.Id).Select(g => g.First()));
    }

    /// <summary>The mark on a namespace's loopback, from its links.</summary>
    public static OwnerAlias? MarkOf(string netns, IReadOnlyList<LinkObserved> links) =>
        LinuxNaming.ParseAlias(links.FirstOrDefault(l => l.Name == "lo")?.Alias) is { Kind: NetnsKind.AliasKind } mark && mark.Identity == netns ? mark : null;

    /// <summary>True for a zone namespace of some NetVirt prefix (<c>{prefix}-z-{zone}</c>).</summary>
    public static bool IsOtherPrefixZone(string netns) => ZoneNamespace().IsMatch(netns);

    // The interfaces another prefix's deployments made in their zones: kept (not owned, their deployment a property
    // rather than a claim on this prefix) for their MACs only.
    private static void AddOtherPrefixes(IReadOnlyList<NamespaceObserved> otherZones, List<HostResource> resources)
    {
        foreach (var ns in otherZones)
        {
            foreach (var link in ns.Links)
            {
                if (LinuxNaming.ParseAlias(link.Alias) is { Deployment: { } deployment } && link.Mac is { } mac)
                {
                    resources.Add(new HostResource
                    {
                        Kind = LinkKind.Definition,
                        Name = LinuxNames.Interface(ns.Name, link.Name),
                        Owned = false,
                        Properties = PropertyBag.Of((LinuxProperties.Mac, mac.ToString()), (LinuxProperties.Deployment, deployment)),
                    });
                }
            }
        }
    }

    // The host end is the zone end's peer: IFLA_LINK on each side names the other's index.
    private static HostResource Pair(
        VethKind kind, string netns, string? zone, LinkObserved inside, OwnerAlias mark, Dictionary<int, LinkObserved> hostByIndex, HashSet<string> claimed, ResourceId netnsId, LinuxContext context)
    {
        LinkObserved? hostEnd = null;
        if (inside.LinkNetnsId is not null && hostByIndex.TryGetValue(inside.Link, out var host) && host.Link == inside.Index && host.Kind == "veth")
        {
            claimed.Add(host.Name);
            hostEnd = host;
        }

        var bridge = hostEnd is not null && hostEnd.Master != 0 && hostByIndex.TryGetValue(hostEnd.Master, out var b) ? b.Name : "";
        return kind.Observed(netns, zone, inside, mark, hostEnd, bridge, netnsId, context);
    }

    // Trunks between the bridges of a domain's tree: both ends in the host, found by the names the leaf in either
    // end's mark gives, each the other's peer. Ends that do not pair up stay unclaimed (owned strays).
    private static void AddTrunks(
        LinuxContext context, IReadOnlyList<LinkObserved> hostLinks, Dictionary<string, LinkObserved> hostByName, Dictionary<int, LinkObserved> hostByIndex,
        HashSet<string> claimed, List<HostResource> resources)
    {
        var naming = context.Naming;
        var leaves = hostLinks
            .Where(l => naming.IsOwned(l.Name) && l.Kind == "veth")
            .Select(l => LinuxNaming.ParseAlias(l.Alias))
            .Where(a => a is { Kind: TrunkKind.AliasKind })
            .Select(a => a!.Identity)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        string MasterOf(LinkObserved link) => link.Master != 0 && hostByIndex.TryGetValue(link.Master, out var bridge) ? bridge.Name : "";
        foreach (var leaf in leaves)
        {
            if (!hostByName.TryGetValue(naming.TrunkLeafEnd(leaf), out var leafEnd) || !hostByName.TryGetValue(naming.TrunkRootEnd(leaf), out var rootEnd)
                || leafEnd.Kind != "veth" || rootEnd.Kind != "veth" || leafEnd.Link != rootEnd.Index || rootEnd.Link != leafEnd.Index)
            {
                continue;
            }

            claimed.Add(leafEnd.Name);
            claimed.Add(rootEnd.Name);
            resources.Add(TrunkKind.Observed(leaf, leafEnd, rootEnd, MasterOf(leafEnd), MasterOf(rootEnd), context));
        }
    }

    private static void AddHostLinks(
        LinuxContext context, IReadOnlyList<LinkObserved> hostLinks, Dictionary<string, LinkObserved> hostByName, Dictionary<int, LinkObserved> hostByIndex,
        HashSet<string> claimed, TcObserved tc, Dictionary<string, ResourceId> vethIds, IReadOnlyList<AddressObserved> hostAddresses, List<HostResource> resources)
    {
        var addressesOf = hostAddresses.ToLookup(a => a.Index, a => a.Address);
        var naming = context.Naming;
        bool Ours(LinkObserved link) => naming.IsOwned(link.Name) && naming.IsOurs(LinuxNaming.ParseAlias(link.Alias)?.Deployment);
        var ports = hostLinks.Where(l => l.Master != 0).GroupBy(l => l.Master).ToDictionary(g => g.Key, g => g.ToList());
        var shaped = new Dictionary<(string Zone, string Vnic), (string Ifb, OwnerAlias Mark)>();
        foreach (var link in hostLinks)
        {
            if (!naming.IsOwned(link.Name))
            {
                resources.Add(LinkKind.Observed(link, prefixed: false, context));
                continue;
            }

            var alias = LinuxNaming.ParseAlias(link.Alias);
            if (link.Kind == "bridge")
            {
                var foreign = ports.GetValueOrDefault(link.Index, []).Where(p => !Ours(p)).Select(p => p.Name);
                resources.Add(BridgeKind.Observed(link, foreign, addressesOf[link.Index], context));
            }
            else if (link.Kind == "vxlan" && alias is { Kind: VxlanKind.AliasKind })
            {
                resources.Add(VxlanKind.Observed(link, link.Master != 0 && hostByIndex.TryGetValue(link.Master, out var master) ? master.Name : "", context));
            }
            else if (link.Kind == "ifb" && alias is { Kind: ShapingKind.AliasKind } && SplitPair(alias.Identity) is { } ifbOf && naming.IsOurs(alias.Deployment))
            {
                shaped[ifbOf] = (link.Name, alias);
            }
            else if (!claimed.Contains(link.Name))
            {
                resources.Add(LinkKind.Observed(link, prefixed: true, context));
            }
        }

        // Shaping per VNIC that has an ifb, or a shaped host end (whose ifb may be gone).
        var byVnic = shaped.ToDictionary(s => s.Key, s => ((string Ifb, OwnerAlias Mark)?)s.Value);
        foreach (var link in hostLinks.Where(l => Ours(l) && l.Kind == "veth" && tc.TbfRates.ContainsKey(l.Name)))
        {
            if (LinuxNaming.ParseAlias(link.Alias) is { } a && a.Kind == VethKind.Vnic.AliasKind && SplitPair(a.Identity) is { } vnic)
            {
                byVnic.TryAdd(vnic, null);
            }
        }

        foreach (var ((zone, vnic), ifb) in byVnic)
        {
            var hostEndName = naming.VnicHostEnd(zone, vnic);
            var hostEnd = hostByName.ContainsKey(hostEndName) ? hostEndName : "";
            var egress = hostEnd.Length > 0 && tc.TbfRates.TryGetValue(hostEnd, out var e) ? ShapingKind.Rate(e) : "";
            var ingress = hostEnd.Length > 0 && ifb is { } i && tc.Redirects.TryGetValue(hostEnd, out var target) && target == i.Ifb
                && tc.TbfRates.TryGetValue(i.Ifb, out var rate) ? ShapingKind.Rate(rate) : "";
            var name = LinuxNames.Interface(naming.ZoneNetns(zone), vnic);
            resources.Add(ShapingKind.Observed(name, zone, hostEnd, ifb?.Ifb ?? "", egress, ingress, ifb?.Mark, vethIds.TryGetValue(name, out var veth) ? veth : null, context));
        }
    }

    // The forwarding and neighbour entries on this deployment's VXLAN devices (the bridge's static entries on their
    // ports, their own entries with a destination, their permanent neighbour entries; the kernel's own and dynamic
    // entries are not NetVirt's), and what the interface carrying the underlay address offers.
    private static void AddOverlay(LinuxContext context, IReadOnlyList<LinkObserved> hostLinks, OverlayObserved overlay, List<HostResource> resources)
    {
        var naming = context.Naming;
        var devices = hostLinks.Where(l => l.Kind == "vxlan" && naming.IsOwned(l.Name) && LinuxNaming.ParseAlias(l.Alias) is { Kind: VxlanKind.AliasKind } a && naming.IsOurs(a.Deployment))
            .ToDictionary(l => l.Index, l => l.Name);
        var self = new Dictionary<(string Device, MacAddress Mac), System.Net.IPAddress>();
        var bridged = new HashSet<(string Device, MacAddress Mac)>();
        foreach (var entry in overlay.Neighbours)
        {
            if (!devices.TryGetValue(entry.Index, out var device) || entry.Mac is not { } mac || mac.IsZero || mac.IsMulticast)
            {
                continue;
            }

            if (entry.Family == Rtnl.AF_BRIDGE && entry.Master == 0 && (entry.Flags & Rtnl.NTF_SELF) != 0 && entry.Destination is { } dst)
            {
                self.TryAdd((device, mac), dst);
            }
            else if (entry.Family == Rtnl.AF_BRIDGE && entry.Master != 0 && entry.State == Rtnl.NUD_NOARP)
            {
                bridged.Add((device, mac));
            }
            else if (entry.Family is Rtnl.AF_INET or Rtnl.AF_INET6 && (entry.State & Rtnl.NUD_PERMANENT) != 0 && entry.Destination is { } address)
            {
                resources.Add(NeighbourKind.Of(device, address, mac));
            }
        }

        foreach (var key in self.Keys.Concat(bridged).Distinct())
        {
            resources.Add(FdbKind.Observed(key.Device, key.Mac, self.GetValueOrDefault(key), bridged.Contains(key)));
        }

        if (context.Overlay is { UnderlayMtu: > 0 } wanted)
        {
            var local = overlay.Addresses.FirstOrDefault(a => a.Address.Address.Equals(wanted.Local));
            if (local is not null && hostLinks.FirstOrDefault(l => l.Index == local.Index) is { } carrier)
            {
                resources.Add(UnderlayKind.Observed(wanted.Local.ToString(), carrier, wanted.UnderlayMtu));
            }
        }
    }

    private static (string Zone, string Vnic)? SplitPair(string identity)
    {
        var slash = identity.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < identity.Length - 1 ? (identity[..slash], identity[(slash + 1)..]) : null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,5}-z-")]
    private static partial Regex ZoneNamespace();
}
