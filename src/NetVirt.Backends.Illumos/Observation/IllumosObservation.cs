using System.Net;
using NetVirt.Backends.Illumos.Parsing;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Illumos.Observation;

/// <summary>
/// Parsed host output → observed resources, pure. Only objects that carry the ownership prefix (and the IP objects
/// on them) are reported as owned; physical links, foreign etherstubs and zones are reported as foreign, for
/// reference. Foreign VNICs and foreign IP configuration are left out entirely: nothing in the model can refer to
/// them, and leaving them out means nothing can ever plan a change to them.
/// </summary>
public static class IllumosObservation
{
    /// <summary>
    /// The zones whose IP stacks are worth reading: running zones that hold a NetVirt VNIC (other zones have no
    /// NetVirt IP objects: every in-zone object is temporary and sits on a NetVirt VNIC).
    /// </summary>
    public static IReadOnlyList<string> ZonesToInspect(IllumosNaming naming, IllumosObserved observed)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(observed);
        var running = observed.Zones.Where(z => z.State == "running").Select(z => z.Name).ToHashSet(StringComparer.Ordinal);
        return [.. OwnedVnics(naming, observed).Select(v => v.Zone).Where(running.Contains).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>Builds the observed host state.</summary>
    public static HostState Build(IllumosNaming naming, IllumosObserved observed)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(observed);
        var resources = new List<HostResource>();
        var ids = new HashSet<ResourceId>();
        void Add(HostResource r)
        {
            // Duplicate identities cannot come from NetVirt's own objects; keep the first of anything else.
            if (ids.Add(r.Id))
            {
                resources.Add(r);
            }
        }

        var ownedEtherstubs = new HashSet<string>(StringComparer.Ordinal);
        var markers = new List<string>();
        foreach (var link in observed.Links.Where(l => l.Class != "vnic"))
        {
            if (link.Class == "etherstub" && naming.MarkedDeployment(link.Link) is { } marked)
            {
                markers.Add(marked);
                Add(new HostResource { Kind = IllumosKinds.Marker, Name = link.Link, Deployment = marked, Owned = naming.IsOurs(marked) });
            }
            else if (link.Class == "etherstub" && naming.IsOwned(link.Link))
            {
                ownedEtherstubs.Add(link.Link);
                Add(new HostResource
                {
                    Kind = IllumosKinds.Etherstub,
                    Name = link.Link,
                    Properties = PropertyBag.Of((IllumosProperties.Mtu, link.Mtu is { } mtu ? IllumosValues.Integer(mtu) : "")),
                });
            }
            else
            {
                Add(new HostResource { Kind = IllumosKinds.Link, Name = link.Link, Owned = false });
            }
        }

        foreach (var zone in observed.Zones)
        {
            Add(new HostResource
            {
                Kind = IllumosKinds.Zone,
                Name = zone.Name,
                Owned = false,
                Properties = PropertyBag.Of((IllumosProperties.State, zone.State), (IllumosProperties.IpType, zone.IpType)),
            });
        }

        foreach (var (vnic, zone, props) in OwnedVnics(naming, observed))
        {
            var lowerId = ownedEtherstubs.Contains(vnic.Over)
                ? new ResourceId(IllumosKinds.Etherstub.Name, vnic.Over)
                : new ResourceId(IllumosKinds.Link.Name, vnic.Over);
            List<(string, string?)> properties =
            [
                (IllumosProperties.Over, vnic.Over),
                (IllumosProperties.Vlan, IllumosValues.Integer(vnic.Vid)),
                (IllumosProperties.Mac, IllumosValues.ParseMac(vnic.MacAddress)),
                .. LinkPropertyValues(props, naming.Variant),
            ];

            Add(new HostResource
            {
                Kind = IllumosKinds.Vnic,
                Name = ResourceNames.Link(zone, vnic.Link),
                Zone = ResourceNames.NonGlobal(zone),
                Properties = PropertyBag.Of([.. properties]),
                DependsOn = ResourceNames.NonGlobal(zone) is { } z ? [lowerId, new ResourceId(IllumosKinds.Zone.Name, z)] : [lowerId],
            });
        }

        foreach (var (zone, stack) in observed.IpStacks.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            AddIpStack(naming, zone, stack, Add);
        }

        // A marker of another deployment says that the prefix's objects are that database's: none of them is this
        // one's to change or delete (its own marker, if both are there, it may remove).
        if (markers.FirstOrDefault(m => !naming.IsOurs(m)) is { } other)
        {
            return new HostState(resources.Select(r => r.Owned && r.Kind != IllumosKinds.Marker ? r with { Owned = false, Deployment = other } : r));
        }

        return new HostState(resources);
    }

    /// <summary>The managed link properties of one link, normalised, in the order the resource lists them.</summary>
    internal static IReadOnlyList<(string Name, string? Value)> LinkPropertyValues(LinkPropertiesObserved? props, IllumosVariant variant)
    {
        List<(string, string?)> values =
        [
            (IllumosProperties.Mtu, Normalise(props?["mtu"], v => v.Trim())),
            (IllumosProperties.MaxBandwidth, Normalise(props?["maxbw"], IllumosValues.ParseMaxBandwidth)),
            (IllumosProperties.Priority, Normalise(props?["priority"], IllumosValues.ParsePriority)),
            (IllumosProperties.Protection, Normalise(props?["protection"], IllumosValues.ParseProtection)),
            (IllumosProperties.AllowedIps, Normalise(props?["allowed-ips"], IllumosValues.ParseAllowedIps)),
        ];
        if (variant == IllumosVariant.SmartOs)
        {
            values.Add((IllumosProperties.DynamicMethods, Normalise(props?["dynamic-methods"], IllumosValues.ParseWordList)));
        }

        return values;
    }

    /// <summary>dladm prints '?' for a value it could not read: kept as is, so it differs from any desired value.</summary>
    private static string Normalise(string? raw, Func<string, string> normalise) =>
        raw?.Trim() == "?" ? "?" : normalise(raw ?? "");

    private static void AddIpStack(IllumosNaming naming, string zone, ZoneIpObserved stack, Action<HostResource> add)
    {
        var zoneOfResource = ResourceNames.NonGlobal(zone);
        foreach (var ipIf in stack.Interfaces.Where(i => naming.IsOwned(i.Name)))
        {
            add(new HostResource
            {
                Kind = IllumosKinds.IpInterface,
                Name = ResourceNames.Link(zone, ipIf.Name),
                Zone = zoneOfResource,
                DependsOn = [new ResourceId(IllumosKinds.Vnic.Name, ResourceNames.Link(zone, ipIf.Name))],
            });
        }

        // Addresses NetVirt made: on a NetVirt interface, with a tag NetVirt could have given (ipadm's own start with
        // '_', and '?' means no address object at all, e.g. an address pushed from the global zone).
        var onLink = new List<(IPNetwork Network, ResourceId IpIf, ResourceId AddrObj)>();
        foreach (var address in stack.Addresses.Where(a => naming.IsOwned(a.Interface) && a.Tag.Length > 0 && a.Tag[0] != '_' && a.Tag != "?"))
        {
            var ipIfId = new ResourceId(IllumosKinds.IpInterface.Name, ResourceNames.Link(zone, address.Interface));
            var resource = new HostResource
            {
                Kind = IllumosKinds.AddrObj,
                Name = ResourceNames.AddrObj(zone, address.Interface, address.Tag),
                Zone = zoneOfResource,
                Properties = PropertyBag.Of((IllumosProperties.Type, address.Type), (IllumosProperties.Address, IllumosValues.ParseAddress(address.Address))),
                DependsOn = [ipIfId],
            };
            add(resource);
            if (InterfaceAddress.TryParse(resource.Properties[IllumosProperties.Address], out var ia))
            {
                onLink.Add((ia.Network, ipIfId, resource.Id));
            }
        }

        // A gateway route is NetVirt's when its next hop is on a NetVirt address's subnet and netstat names no foreign
        // device for it: routes via foreign interfaces stay the zone administrator's. A link-local next hop lies in
        // fe80::/10 on every interface, so it counts only when netstat names a NetVirt device.
        foreach (var route in stack.Routes.Where(r => r.IsGatewayRoute))
        {
            if (route.Interface is { } device ? !naming.IsOwned(device) : route.Gateway.IsIPv6LinkLocal)
            {
                continue;
            }

            var match = onLink
                .Where(o => o.Network.BaseAddress.AddressFamily == route.Gateway.AddressFamily && o.Network.Contains(route.Gateway))
                .Select(o => ((ResourceId IpIf, ResourceId AddrObj)?)(o.IpIf, o.AddrObj))
                .FirstOrDefault();
            if (match is not { } via)
            {
                continue;
            }

            add(new HostResource
            {
                Kind = IllumosKinds.Route,
                Name = ResourceNames.Route(zone, route.Destination),
                Zone = zoneOfResource,
                Properties = PropertyBag.Of((IllumosProperties.Gateway, route.Gateway.ToString())),
                DependsOn = [via.IpIf, via.AddrObj],
            });
        }
    }

    /// <summary>
    /// NetVirt's VNICs with the zone holding each and its link properties. SmartOS names the zone in show-vnic and
    /// may repeat a name across zones, so records join on (link, zone); upstream names are unique host-wide, and the
    /// zone comes from the <c>zone</c> link property.
    /// </summary>
    private static IEnumerable<(VnicObserved Vnic, string Zone, LinkPropertiesObserved? Properties)> OwnedVnics(IllumosNaming naming, IllumosObserved observed)
    {
        var byLinkAndZone = new Dictionary<(string, string), LinkPropertiesObserved>();
        var byLink = new Dictionary<string, LinkPropertiesObserved>(StringComparer.Ordinal);
        foreach (var p in observed.LinkProperties)
        {
            byLinkAndZone.TryAdd((p.Link, p.Zone), p);
            byLink.TryAdd(p.Link, p);
        }

        foreach (var vnic in observed.Vnics.Where(v => naming.IsOwned(v.Link)))
        {
            if (vnic.Zone is { } zone)
            {
                yield return (vnic, zone, byLinkAndZone.GetValueOrDefault((vnic.Link, zone)));
            }
            else
            {
                var props = byLink.GetValueOrDefault(vnic.Link);
                yield return (vnic, props?.Zone ?? IllumosNaming.GlobalZone, props);
            }
        }
    }
}
