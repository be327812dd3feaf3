using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using YamlDotNet.RepresentationModel;

namespace NetVirt.Documents;

public static partial class DocumentLoader
{
    private static readonly (AddressFamily Value, string Name)[] Families = [(AddressFamily.InterNetwork, "ipv4"), (AddressFamily.InterNetworkV6, "ipv6")];

    private static HostSpec? ReadHost(NodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "a host", ["name", "address", "labels", "description"]);
        if (m is null)
        {
            return null;
        }

        var labels = new List<HostLabel>();
        if (m.TryGetValue("labels", out var labelsNode) && r.Mapping(labelsNode, $"{path}.labels", "labels", null) is { } labelMap)
        {
            foreach (var (key, value) in labelMap)
            {
                if (r.String(value, $"{path}.labels.{key}", $"label '{key}'") is { } text)
                {
                    labels.Add(new HostLabel(key, text));
                }
            }
        }

        if (!m.ContainsKey("address"))
        {
            r.Error(path, "key.missing", "a host needs 'address' (its underlay address, where the other hosts send its VXLAN traffic)");
        }

        return new HostSpec
        {
            Name = Required(r, m, path, "name", "a host") ?? "",
            Address = m.TryGetValue("address", out var a) ? r.Address(a, $"{path}.address", "host address") ?? IPAddress.None : IPAddress.None,
            Labels = labels.ToEquatableArray(),
            Description = m.TryGetValue("description", out var d) ? r.String(d, $"{path}.description", "description") : null,
        };
    }

    private static EtherstubSpec? ReadEtherstub(NodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "an etherstub", ["name", "mtu", "description"]);
        if (m is null)
        {
            return null;
        }

        return new EtherstubSpec
        {
            Name = Required(r, m, path, "name", "an etherstub") ?? "",
            Mtu = m.TryGetValue("mtu", out var mtu) ? r.Integer(mtu, $"{path}.mtu", "mtu") : null,
            Description = m.TryGetValue("description", out var d) ? r.String(d, $"{path}.description", "description") : null,
        };
    }

    private static LinkSpec? ReadLink(NodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "a link", ["name", "mtu", "description"]);
        if (m is null)
        {
            return null;
        }

        return new LinkSpec
        {
            Name = Required(r, m, path, "name", "a link") ?? "",
            Mtu = m.TryGetValue("mtu", out var mtu) ? r.Integer(mtu, $"{path}.mtu", "mtu") : null,
            Description = m.TryGetValue("description", out var d) ? r.String(d, $"{path}.description", "description") : null,
        };
    }

    private static NetworkSpec? ReadNetwork(NodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "a network", ["name", "over", "vlan", "mtu", "tenant", "description", "ipv4", "ipv6", "reserved"]);
        if (m is null)
        {
            return null;
        }

        var reserved = new List<ReservationSpec>();
        if (m.TryGetValue("reserved", out var reservedNode) && r.Sequence(reservedNode, $"{path}.reserved", "reserved") is { } items)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (ReadReservation(r, items[i], $"{path}.reserved[{i}]") is { } reservation)
                {
                    reserved.Add(reservation);
                }
            }
        }

        return new NetworkSpec
        {
            Name = Required(r, m, path, "name", "a network") ?? "",
            Over = Required(r, m, path, "over", "a network") ?? "",
            Vlan = m.TryGetValue("vlan", out var vlan) ? r.Integer(vlan, $"{path}.vlan", "vlan") ?? 0 : 0,
            Mtu = m.TryGetValue("mtu", out var mtu) ? r.Integer(mtu, $"{path}.mtu", "mtu") : null,
            Tenant = m.TryGetValue("tenant", out var t) ? r.String(t, $"{path}.tenant", "tenant") : null,
            Description = m.TryGetValue("description", out var d) ? r.String(d, $"{path}.description", "description") : null,
            Ipv4 = m.TryGetValue("ipv4", out var v4) ? ReadSubnet(r, v4, $"{path}.ipv4", AddressFamily.InterNetwork) : null,
            Ipv6 = m.TryGetValue("ipv6", out var v6) ? ReadSubnet(r, v6, $"{path}.ipv6", AddressFamily.InterNetworkV6) : null,
            Reserved = reserved.ToEquatableArray(),
        };
    }

    private static SubnetSpec? ReadSubnet(NodeReader r, YamlNode node, string path, AddressFamily family)
    {
        var familyName = SpecNames.Format(family);
        var m = r.Mapping(node, path, $"the {familyName} block", ["subnet", "gateway", "range"]);
        if (m is null)
        {
            return null;
        }

        if (!m.TryGetValue("subnet", out var subnetNode))
        {
            r.Error(path, "key.missing", $"the {familyName} block needs 'subnet'");
            return null;
        }

        var subnet = r.Prefix(subnetNode, $"{path}.subnet", $"{familyName} subnet");
        IPAddress? start = null, end = null;
        if (m.TryGetValue("range", out var rangeNode) && r.Mapping(rangeNode, $"{path}.range", "range", ["start", "end"]) is { } range)
        {
            start = range.TryGetValue("start", out var s) ? r.Address(s, $"{path}.range.start", "range start") : null;
            end = range.TryGetValue("end", out var e) ? r.Address(e, $"{path}.range.end", "range end") : null;
        }

        return subnet is null ? null : new SubnetSpec
        {
            Subnet = subnet.Value,
            Gateway = m.TryGetValue("gateway", out var gw) ? r.Address(gw, $"{path}.gateway", "gateway") : null,
            RangeStart = start,
            RangeEnd = end,
        };
    }

    private static ReservationSpec? ReadReservation(NodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "a reservation", ["address", "start", "end", "note"]);
        if (m is null)
        {
            return null;
        }

        var note = m.TryGetValue("note", out var n) ? r.String(n, $"{path}.note", "note") : null;
        if (m.TryGetValue("address", out var a))
        {
            if (m.ContainsKey("start") || m.ContainsKey("end"))
            {
                r.Error(path, "reservation.shape", "a reservation has either 'address' or 'start' and 'end', not both");
                return null;
            }

            return r.Address(a, $"{path}.address", "reserved address") is { } ip ? new ReservationSpec { First = ip, Last = ip, Note = note } : null;
        }

        if (!m.TryGetValue("start", out var s) || !m.TryGetValue("end", out var e))
        {
            r.Error(path, "reservation.shape", "a reservation needs 'address', or 'start' and 'end'");
            return null;
        }

        var first = r.Address(s, $"{path}.start", "reservation start");
        var last = r.Address(e, $"{path}.end", "reservation end");
        return first is null || last is null ? null : new ReservationSpec { First = first, Last = last, Note = note };
    }

    private static PoolSpec? ReadPool(NodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "a pool", ["name", "networks", "description"]);
        if (m is null)
        {
            return null;
        }

        var networks = new List<string>();
        if (!m.TryGetValue("networks", out var list))
        {
            r.Error(path, "key.missing", "a pool needs 'networks'");
        }
        else if (r.Sequence(list, $"{path}.networks", "networks") is { } items)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (r.String(items[i], $"{path}.networks[{i}]", "network name") is { } name)
                {
                    networks.Add(name);
                }
            }
        }

        return new PoolSpec
        {
            Name = Required(r, m, path, "name", "a pool") ?? "",
            Networks = networks.ToEquatableArray(),
            Description = m.TryGetValue("description", out var d) ? r.String(d, $"{path}.description", "description") : null,
        };
    }

    private static ZoneSpec? ReadZone(NodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "a zone", ["name", "host", "description", "routes", "vnics"]);
        if (m is null)
        {
            return null;
        }

        EquatableArray<RouteSpec>? routes = null;
        if (m.TryGetValue("routes", out var routesNode) && r.Sequence(routesNode, $"{path}.routes", "routes") is { } routeItems)
        {
            var list = new List<RouteSpec>();
            for (var i = 0; i < routeItems.Count; i++)
            {
                if (ReadRoute(r, routeItems[i], $"{path}.routes[{i}]") is { } route)
                {
                    list.Add(route);
                }
            }

            routes = list.ToEquatableArray();
        }

        var vnics = new List<VnicSpec>();
        if (m.TryGetValue("vnics", out var vnicsNode) && r.Sequence(vnicsNode, $"{path}.vnics", "vnics") is { } vnicItems)
        {
            for (var i = 0; i < vnicItems.Count; i++)
            {
                vnics.Add(ReadVnic(r, vnicItems[i], $"{path}.vnics[{i}]") ?? new VnicSpec { Name = "" });
            }
        }

        return new ZoneSpec
        {
            Name = Required(r, m, path, "name", "a zone") ?? "",
            Host = m.TryGetValue("host", out var h) ? r.String(h, $"{path}.host", "host") : null,
            Description = m.TryGetValue("description", out var d) ? r.String(d, $"{path}.description", "description") : null,
            Routes = routes,
            Vnics = vnics.ToEquatableArray(),
        };
    }

    private static RouteSpec? ReadRoute(NodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "a route", ["to", "via"]);
        if (m is null)
        {
            return null;
        }

        var to = Required(r, m, path, "to", "a route");
        var via = m.TryGetValue("via", out var v) ? r.Address(v, $"{path}.via", "route gateway") : null;
        if (!m.ContainsKey("via"))
        {
            r.Error(path, "key.missing", "a route needs 'via'");
        }

        if (to is null || via is null)
        {
            return null;
        }

        IPNetwork destination;
        if (to == "default")
        {
            destination = via.AddressFamily == AddressFamily.InterNetwork ? IPNetwork.Parse("0.0.0.0/0") : IPNetwork.Parse("::/0");
        }
        else if (r.Prefix(m["to"], $"{path}.to", "route destination") is { } prefix)
        {
            destination = prefix;
        }
        else
        {
            return null;
        }

        return new RouteSpec { Destination = destination, Gateway = via };
    }

    private static VnicSpec? ReadVnic(NodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "a vnic",
            ["name", "network", "pool", "over", "vlan", "mac", "mtu", "primary", "maxbw", "priority", "protection", "allowed-ips", "addresses"]);
        if (m is null)
        {
            return null;
        }

        var addresses = new List<AddressSpec>();
        if (m.TryGetValue("addresses", out var addrNode) && r.Sequence(addrNode, $"{path}.addresses", "addresses") is { } items)
        {
            for (var i = 0; i < items.Count; i++)
            {
                addresses.Add(ReadAddress(r, items[i], $"{path}.addresses[{i}]") ?? new AddressSpec { Tag = "" });
            }
        }

        EquatableArray<IPNetwork>? allowed = null;
        if (m.TryGetValue("allowed-ips", out var allowedNode) && r.Sequence(allowedNode, $"{path}.allowed-ips", "allowed-ips") is { } allowedItems)
        {
            var list = new List<IPNetwork>();
            for (var i = 0; i < allowedItems.Count; i++)
            {
                if (r.Prefix(allowedItems[i], $"{path}.allowed-ips[{i}]", "allowed IP", acceptHostAddress: true) is { } p)
                {
                    list.Add(p);
                }
            }

            allowed = list.ToEquatableArray();
        }

        return new VnicSpec
        {
            Name = Required(r, m, path, "name", "a vnic") ?? "",
            Network = m.TryGetValue("network", out var n) ? r.String(n, $"{path}.network", "network") : null,
            Pool = m.TryGetValue("pool", out var p2) ? r.String(p2, $"{path}.pool", "pool") : null,
            Over = m.TryGetValue("over", out var o) ? r.String(o, $"{path}.over", "over") : null,
            Vlan = m.TryGetValue("vlan", out var vlan) ? r.Integer(vlan, $"{path}.vlan", "vlan") : null,
            Mac = m.TryGetValue("mac", out var mac) ? ReadMac(r, mac, $"{path}.mac") : null,
            Mtu = m.TryGetValue("mtu", out var mtu) ? r.Integer(mtu, $"{path}.mtu", "mtu") : null,
            Primary = m.TryGetValue("primary", out var primary) ? r.Boolean(primary, $"{path}.primary", "primary") : null,
            MaxBandwidth = m.TryGetValue("maxbw", out var bw) ? ReadBandwidth(r, bw, $"{path}.maxbw") : null,
            Priority = m.TryGetValue("priority", out var pr) ? r.Word(pr, $"{path}.priority", "priority", SpecNames.Priorities) : null,
            Protection = m.TryGetValue("protection", out var prot) ? ReadProtection(r, prot, $"{path}.protection") : null,
            AllowedIps = allowed,
            Addresses = addresses.ToEquatableArray(),
        };
    }

    private static AddressSpec? ReadAddress(NodeReader r, YamlNode node, string path)
    {
        var m = r.Mapping(node, path, "an address", ["tag", "type", "address", "family"]);
        if (m is null)
        {
            return null;
        }

        IPAddress? ip = null;
        int? prefix = null;
        if (m.TryGetValue("address", out var addressNode) && r.String(addressNode, $"{path}.address", "address") is { } text && text != "auto")
        {
            if (InterfaceAddress.TryParse(text, out var withPrefix))
            {
                (ip, prefix) = (withPrefix.Address, withPrefix.PrefixLength);
            }
            else if (IpAddressMath.TryParsePlain(text, out var bare))
            {
                ip = bare;
            }
            else
            {
                r.Error($"{path}.address", "value.invalid-address", $"address '{text}' is not 'auto', an address, or an address with prefix length such as 10.1.0.5/24 ({IpAddressMath.AddressFormHint})");
            }
        }

        return new AddressSpec
        {
            Tag = Required(r, m, path, "tag", "an address") ?? "",
            Type = m.TryGetValue("type", out var type) ? r.Word(type, $"{path}.type", "address type", SpecNames.AddressTypes) ?? AddressType.Static : AddressType.Static,
            Family = m.TryGetValue("family", out var family) ? r.Word(family, $"{path}.family", "family", Families) : null,
            Address = ip,
            PrefixLength = prefix,
        };
    }

    private static MacAddress? ReadMac(NodeReader r, YamlNode node, string path)
    {
        var text = r.String(node, path, "mac");
        if (text is null or "auto")
        {
            return null;
        }

        if (MacAddress.TryParse(text, out var mac))
        {
            return mac;
        }

        r.Error(path, "value.invalid-mac", $"mac '{text}' is not 'auto' or six colon-separated hex octets (e.g. 2:8:20:a:b:c)");
        return null;
    }

    private static long? ReadBandwidth(NodeReader r, YamlNode node, string path)
    {
        var text = r.String(node, path, "maxbw");
        if (text is null)
        {
            return null;
        }

        if (SpecNames.TryParseBandwidth(text, out var bits))
        {
            return bits;
        }

        r.Error(path, "value.invalid-bandwidth", $"maxbw '{text}' is not a bandwidth: a number with an optional unit K, M or G (e.g. 100M), at most 1000G; no unit means Mbps");
        return null;
    }

    private static Protection? ReadProtection(NodeReader r, YamlNode node, string path)
    {
        IReadOnlyList<(YamlNode Node, string Path)> words;
        if (node is YamlSequenceNode sequence)
        {
            words = [.. sequence.Children.Select((n, i) => (n, $"{path}[{i}]"))];
        }
        else if (r.String(node, path, "protection") is { } text)
        {
            if (text is "none" or "")
            {
                return Protection.None;
            }

            // dladm's own syntax: one comma-separated string.
            words = [.. text.Split(',').Select(w => ((YamlNode)new YamlScalarNode(w.Trim()), path))];
        }
        else
        {
            return null;
        }

        var protection = Protection.None;
        foreach (var (wordNode, wordPath) in words)
        {
            if (r.Word(wordNode, wordPath, "protection", SpecNames.ProtectionFlags) is { } flag)
            {
                protection |= flag;
            }
        }

        return protection;
    }
}
