using System.Net.Sockets;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Illumos.Commands;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Model.Validation;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Illumos.Rendering;

/// <summary>
/// Model → desired illumos objects. Pure. The model is resolved (every VNIC has a MAC, every static address an
/// address, pool VNICs their network); what cannot be realised on the host becomes a <see cref="PlanProblem"/>.
/// </summary>
/// <remarks>
/// Per model object: an etherstub becomes <c>etherstub nv_{name}</c>; a link a network sits on becomes a required
/// foreign <c>link</c>; a zone becomes a required foreign <c>zone</c> that must be running with exclusive IP; a VNIC
/// becomes <c>vnic {zone}/{link}</c> carrying lower link, VLAN, MAC and link properties (handed to the zone at
/// creation), an <c>ip-if</c> and one <c>addrobj</c> per address (plus a link-local <c>ll</c> addrconf object when it
/// has static IPv6 but no addrconf, as ipadm requires); a zone's routes become <c>route</c>s, except those whose
/// gateway is reachable only through a DHCP or addrconf address (the lease or the router advertisement brings those
/// routes, and the kernel refuses them before the address exists). Each L2 domain on an
/// etherstub whose networks have gateways gets a global-zone leg holding the gateway addresses.
/// </remarks>
public sealed class IllumosRenderer
{
    /// <summary>Tag of the link-local address object added for static IPv6.</summary>
    public const string LinkLocalTag = "ll";

    /// <summary>Most entries dladm takes in <c>allowed-ips</c>.</summary>
    public const int MaxAllowedIps = 32;

    /// <summary>Longest <c>-p</c> list dladm takes.</summary>
    public const int MaxPropertyListLength = 2048;

    /// <summary>Most values one <c>-p</c> list may carry.</summary>
    public const int MaxPropertyValues = 64;

    private readonly NetworkModel _model;
    private readonly ModelIndex _index;
    private readonly IllumosNaming _naming;
    private readonly RenderedResources _rendered = new();

    // Names in the global zone's link namespace. Upstream, zone VNICs stay in it; on SmartOS they are created in it and
    // moved into their zone at once, so they may repeat across zones but must not meet a global-zone link.
    private readonly Dictionary<string, string> _globalLinks = new(StringComparer.Ordinal);

    private IllumosRenderer(NetworkModel model, IllumosNaming naming)
    {
        _model = model;
        _index = new ModelIndex(model);
        _naming = naming;
    }

    /// <summary>Renders <paramref name="model"/> with <paramref name="naming"/> (which fixes prefix and variant).</summary>
    public static RenderResult Render(NetworkModel model, IllumosNaming naming)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(naming);
        var renderer = new IllumosRenderer(model, naming);
        renderer.Run();
        return renderer._rendered.ToResult();
    }

    /// <summary>The link properties of a zone VNIC in <c>create-vnic -p</c> order, defaults (priority high, no limit) left out.</summary>
    public static IReadOnlyList<(string Name, string Value)> CreateProperties(HostResource vnic)
    {
        ArgumentNullException.ThrowIfNull(vnic);
        var list = new List<(string, string)>();
        foreach (var name in (string[])[IllumosProperties.Mtu, IllumosProperties.MaxBandwidth, IllumosProperties.Priority,
                     IllumosProperties.Protection, IllumosProperties.AllowedIps, IllumosProperties.DynamicMethods])
        {
            if (vnic.Properties[name] is { Length: > 0 } value && !(name == IllumosProperties.Priority && value == "high"))
            {
                list.Add((name, value));
            }
        }

        return list;
    }

    private void Run()
    {
        // The deployment's marker, while it has anything on the host (so that destroy removes it last).
        if (_naming.DeploymentId is { } deployment && (_model.Etherstubs.Count > 0 || _model.Zones.Count > 0 || _model.Networks.Count > 0))
        {
            var marker = _naming.Marker(deployment);
            if (ClaimGlobalLink(marker, "the deployment marker"))
            {
                Add(new HostResource { Kind = IllumosKinds.Marker, Name = marker });
            }
        }

        foreach (var etherstub in _model.Etherstubs)
        {
            var host = _naming.Etherstub(etherstub.Name);
            if (_naming.MarkedDeployment(host) is not null)
            {
                _rendered.Problem($"etherstub {etherstub.Name}", $"its host name {host} has the form of a deployment marker ({_naming.OwnerMark}<16 hex digits>_1); rename it");
                continue;
            }

            if (CheckLinkName(host, $"etherstub {etherstub.Name}") && ClaimGlobalLink(host, $"etherstub {etherstub.Name}"))
            {
                Add(new HostResource
                {
                    Kind = IllumosKinds.Etherstub,
                    Name = host,
                    Properties = PropertyBag.Of((IllumosProperties.Mtu, IllumosValues.Integer(etherstub.EffectiveMtu))),
                });
            }
        }

        RenderGatewayLegs();
        foreach (var zone in _model.Zones)
        {
            RenderZone(zone);
        }
    }

    /// <summary>The host name of what <paramref name="over"/> names, and the resource it depends on (adding a foreign link when needed).</summary>
    private (string Host, ResourceId Id) Lower(string over)
    {
        if (_index.IsEtherstub(over))
        {
            var host = _naming.Etherstub(over);
            return (host, new ResourceId(IllumosKinds.Etherstub.Name, host));
        }

        var link = new HostResource { Kind = IllumosKinds.Link, Name = over, Owned = false };
        _rendered.AddOnce(link);

        return (over, link.Id);
    }

    private void RenderGatewayLegs()
    {
        var domains = _model.Networks
            .Where(n => _index.IsEtherstub(n.Over) && n.Subnets.Any(s => s.Gateway is not null))
            .GroupBy(n => new L2Domain(n.Over, n.Vlan))
            .OrderBy(g => g.Key.Over, StringComparer.Ordinal).ThenBy(g => g.Key.Vlan);
        foreach (var domain in domains)
        {
            var leg = _naming.GatewayLeg(domain.Key.Over, domain.Key.Vlan);
            var subject = $"gateway leg for {domain.Key}";
            if (!CheckLinkName(leg, subject) || !ClaimGlobalLink(leg, subject))
            {
                continue;
            }

            var (lowerHost, lowerId) = Lower(domain.Key.Over);
            var vnic = Add(new HostResource
            {
                Kind = IllumosKinds.Vnic,
                Name = ResourceNames.Link(IllumosNaming.GlobalZone, leg),
                Properties = PropertyBag.Of(
                    (IllumosProperties.Over, lowerHost),
                    (IllumosProperties.Vlan, IllumosValues.Integer(domain.Key.Vlan)),
                    (IllumosProperties.Mtu, IllumosValues.Integer(domain.Max(n => n.EffectiveMtu)))),
                DependsOn = [lowerId],
            }, subject);
            if (vnic is null)
            {
                continue;
            }

            var ipIf = Add(new HostResource { Kind = IllumosKinds.IpInterface, Name = vnic.Name, DependsOn = [vnic.Id] }, subject)!;
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            var needsLinkLocal = false;
            foreach (var network in domain.OrderBy(n => n.Name, StringComparer.Ordinal))
            {
                foreach (var subnet in network.Subnets.Where(s => s.Gateway is not null))
                {
                    var tag = GatewayTag(network.Name, subnet.Family);
                    var what = $"gateway {subnet.Gateway} of network {network.Name}";
                    if (NameRules.CheckAddressTag(tag) is { } problem)
                    {
                        _rendered.Problem(what, $"address object tag '{tag}' derived from the network name {problem}");
                        continue;
                    }

                    if (!tags.TryAdd(tag, network.Name))
                    {
                        _rendered.Problem(what, $"address object tag '{tag}' is also derived from network {tags[tag]}; rename one network");
                        continue;
                    }

                    needsLinkLocal |= subnet.Family == AddressFamily.InterNetworkV6;
                    AddAddress(IllumosNaming.GlobalZone, leg, ipIf, tag, AddressType.Static,
                        new InterfaceAddress(subnet.Gateway!, subnet.Subnet.PrefixLength), what, null);
                }
            }

            if (needsLinkLocal)
            {
                AddAddress(IllumosNaming.GlobalZone, leg, ipIf, LinkLocalTag, AddressType.Addrconf, null, subject, null);
            }
        }
    }

    private void RenderZone(ZoneSpec zone)
    {
        var zoneResource = Add(new HostResource
        {
            Kind = IllumosKinds.Zone,
            Name = zone.Name,
            Owned = false,
            Properties = PropertyBag.Of((IllumosProperties.State, "running"), (IllumosProperties.IpType, "excl")),
        }, $"zone {zone.Name}");
        if (zoneResource is null)
        {
            return;
        }

        var interfaces = new List<(VnicSpec Vnic, string Link, HostResource? IpIf, List<(InterfaceAddress Address, HostResource AddrObj)> Addresses)>();
        foreach (var vnic in zone.Vnics)
        {
            var subject = $"zone {zone.Name} vnic {vnic.Name}";
            var link = _naming.ZoneVnic(zone.Name, vnic.Name);
            if (RenderVnic(zone, vnic, link, zoneResource.Id, subject) is not { } vnicResource)
            {
                continue;
            }

            var entry = (vnic, link, (HostResource?)null, new List<(InterfaceAddress, HostResource)>());
            if (!vnic.Addresses.IsEmpty)
            {
                entry.Item3 = RenderAddresses(zone, vnic, link, vnicResource, zoneResource.Id, subject, entry.Item4);
            }

            interfaces.Add(entry);
        }

        foreach (var route in _index.EffectiveRoutes(zone))
        {
            var name = ResourceNames.Route(zone.Name, route.Destination);
            var dependsOn = new List<ResourceId> { zoneResource.Id };
            var via = interfaces.SelectMany(i => i.Addresses.Where(a => a.Address.Network.Contains(route.Gateway)).Select(a => (i.IpIf, a.AddrObj))).FirstOrDefault();
            if (via.IpIf is not null)
            {
                dependsOn.AddRange([via.IpIf.Id, via.AddrObj.Id]);
            }
            else if (interfaces.Any(i => i.IpIf is not null && _index.NetworkOf(i.Vnic)?.Subnets.Any(s => s.Subnet.Contains(route.Gateway)) == true))
            {
                // The gateway is on-link only through a dynamic address (dhcp, addrconf): the route comes with the lease
                // or the router advertisement, and the kernel refuses it before the address exists. Not NetVirt's to add.
                continue;
            }

            Add(new HostResource
            {
                Kind = IllumosKinds.Route,
                Name = name,
                Zone = zone.Name,
                Properties = PropertyBag.Of((IllumosProperties.Gateway, route.Gateway.ToString())),
                DependsOn = dependsOn.ToEquatableArray(),
            }, $"zone {zone.Name} route to {route.Destination}");
        }
    }

    private HostResource? RenderVnic(ZoneSpec zone, VnicSpec vnic, string link, ResourceId zoneId, string subject)
    {
        if (_rendered.Resolved(_index, vnic, subject) is not { } resolved)
        {
            return null;
        }

        var (domain, mac) = resolved;

        if (!CheckLinkName(link, subject) || !ClaimGlobalLink(link, subject, inZone: true))
        {
            return null;
        }

        var protection = vnic.EffectiveProtection;
        var allowed = protection.HasFlag(Protection.IpNospoof) ? _index.AllowedSources(vnic) : [];
        if (allowed.Count > MaxAllowedIps)
        {
            _rendered.Problem(subject, $"needs {allowed.Count} allowed-ips entries; dladm takes at most {MaxAllowedIps}");
            return null;
        }

        var dynamic = _naming.Variant == IllumosVariant.SmartOs && protection.HasFlag(Protection.IpNospoof)
            && vnic.Addresses.Any(a => a.Type == AddressType.Dhcp) ? "dhcpv4" : "";
        var (lowerHost, lowerId) = Lower(domain.Over);
        List<(string, string?)> properties =
        [
            (IllumosProperties.Over, lowerHost),
            (IllumosProperties.Vlan, IllumosValues.Integer(domain.Vlan)),
            (IllumosProperties.Mac, IllumosValues.Mac(mac)),
            (IllumosProperties.Mtu, IllumosValues.Integer(_index.EffectiveMtu(vnic))),
            (IllumosProperties.MaxBandwidth, IllumosValues.MaxBandwidth(vnic.MaxBandwidth)),
            (IllumosProperties.Priority, IllumosValues.Priority(vnic.EffectivePriority)),
            (IllumosProperties.Protection, IllumosValues.Protection(protection)),
            (IllumosProperties.AllowedIps, IllumosValues.AllowedIps(allowed)),
        ];
        if (_naming.Variant == IllumosVariant.SmartOs)
        {
            properties.Add((IllumosProperties.DynamicMethods, dynamic));
        }

        var resource = new HostResource
        {
            Kind = IllumosKinds.Vnic,
            Name = ResourceNames.Link(zone.Name, link),
            Zone = zone.Name,
            Properties = PropertyBag.Of([.. properties]),
            DependsOn = [lowerId, zoneId],
        };

        var createProperties = CreateProperties(resource);
        var list = IllumosCommands.PropertyList([.. createProperties, ("zone", zone.Name)]);
        var values = createProperties.Sum(p => p.Value.Split(',').Length) + 1;
        if (list.Length >= MaxPropertyListLength || values > MaxPropertyValues)
        {
            _rendered.Problem(subject, $"its create-vnic -p list has {list.Length} characters and {values} values; dladm takes under {MaxPropertyListLength} and at most {MaxPropertyValues}");
            return null;
        }

        return Add(resource, subject);
    }

    private HostResource? RenderAddresses(
        ZoneSpec zone, VnicSpec vnic, string link, HostResource vnicResource, ResourceId zoneId, string subject,
        List<(InterfaceAddress, HostResource)> concrete)
    {
        var ipIf = Add(new HostResource
        {
            Kind = IllumosKinds.IpInterface,
            Name = ResourceNames.Link(zone.Name, link),
            Zone = zone.Name,
            DependsOn = [vnicResource.Id, zoneId],
        }, subject);
        if (ipIf is null)
        {
            return null;
        }

        var resolved = _index.InterfaceAddresses(vnic).Where(a => a.Spec.Type == AddressType.Static).ToDictionary(a => a.Spec.Tag, a => a.Address, StringComparer.Ordinal);
        var staticV6 = false;
        foreach (var address in vnic.Addresses)
        {
            var what = $"{subject} address {address.Tag}";
            if (address.Type == AddressType.Static)
            {
                if (!resolved.TryGetValue(address.Tag, out var ia))
                {
                    _rendered.Problem(what, "has no address yet (auto addresses need IPAM before rendering)");
                    continue;
                }

                staticV6 |= ia.Family == AddressFamily.InterNetworkV6;
                if (AddAddress(zone.Name, link, ipIf, address.Tag, AddressType.Static, ia, what, zone.Name) is { } addrObj)
                {
                    concrete.Add((ia, addrObj));
                }
            }
            else
            {
                AddAddress(zone.Name, link, ipIf, address.Tag, address.Type, null, what, zone.Name);
            }
        }

        if (staticV6 && !vnic.Addresses.Any(a => a.Type == AddressType.Addrconf))
        {
            if (vnic.Addresses.Any(a => string.Equals(a.Tag, LinkLocalTag, StringComparison.Ordinal)))
            {
                _rendered.Problem(subject, $"has static IPv6, which needs a link-local addrconf object that NetVirt tags '{LinkLocalTag}'; that tag is taken");
            }
            else
            {
                AddAddress(zone.Name, link, ipIf, LinkLocalTag, AddressType.Addrconf, null, subject, zone.Name);
            }
        }

        return ipIf;
    }

    private HostResource? AddAddress(string zone, string ipInterface, HostResource ipIf, string tag, AddressType type, InterfaceAddress? address, string subject, string? zoneOfResource)
    {
        var properties = address is { } a
            ? PropertyBag.Of((IllumosProperties.Type, SpecNames.Format(type)), (IllumosProperties.Address, IllumosValues.Address(a)))
            : PropertyBag.Of((IllumosProperties.Type, SpecNames.Format(type)));
        return Add(new HostResource
        {
            Kind = IllumosKinds.AddrObj,
            Name = ResourceNames.AddrObj(zone, ipInterface, tag),
            Zone = zoneOfResource,
            Properties = properties,
            DependsOn = [ipIf.Id],
        }, subject);
    }

    /// <summary>A tag for the gateway address of <paramref name="network"/>: its letters and digits, then 4 or 6.</summary>
    public static string GatewayTag(string network, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(network);
        var core = new string([.. network.Where(char.IsAsciiLetterOrDigit)]);
        if (core.Length == 0 || char.IsAsciiDigit(core[0]))
        {
            core = "n" + core;
        }

        return core + (family == AddressFamily.InterNetwork ? "4" : "6");
    }

    private bool CheckLinkName(string host, string subject)
    {
        if (NameRules.CheckLinkName(host) is { } problem)
        {
            _rendered.Problem(subject, $"host link name '{host}' {problem} (names carry the ownership prefix '{_naming.OwnerMark}')");
            return false;
        }

        return true;
    }

    /// <summary>Takes <paramref name="host"/> in the global zone's link namespace; a problem when another object has it.</summary>
    private bool ClaimGlobalLink(string host, string subject, bool inZone = false)
    {
        if (_globalLinks.TryGetValue(host, out var holder) && !(inZone && _naming.Variant == IllumosVariant.SmartOs && holder.StartsWith("zone ", StringComparison.Ordinal)))
        {
            _rendered.Problem(subject, $"host link name '{host}' is also the name of {holder}");
            return false;
        }

        _globalLinks.TryAdd(host, subject);
        return true;
    }

    private HostResource? Add(HostResource resource, string? subject = null) => _rendered.Add(resource, subject);
}
