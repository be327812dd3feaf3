using System.Net;
using NetVirt.Model.Addressing;

namespace NetVirt.Model.Validation;

public sealed partial class ModelValidator
{
    private void ValidateUniqueNames()
    {
        // Etherstubs and links share the datalink namespace of the host.
        var datalinks = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < _model.Etherstubs.Count; i++)
        {
            Unique(datalinks, _model.Etherstubs[i].Name, $"etherstubs[{i}].name", "etherstub");
        }

        for (var i = 0; i < _model.Links.Count; i++)
        {
            Unique(datalinks, _model.Links[i].Name, $"links[{i}].name", "link");
        }

        var networks = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < _model.Networks.Count; i++)
        {
            Unique(networks, _model.Networks[i].Name, $"networks[{i}].name", "network");
        }

        var pools = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < _model.Pools.Count; i++)
        {
            Unique(pools, _model.Pools[i].Name, $"pools[{i}].name", "pool");
        }

        var zones = new Dictionary<string, string>(StringComparer.Ordinal);
        var containers = _model.Zones.Where(z => z.IsContainer).ToDictionary(z => z.Name, z => z.Container!.Id, StringComparer.Ordinal);
        for (var i = 0; i < _model.Zones.Count; i++)
        {
            var zone = _model.Zones[i];
            if (!zone.IsContainer && containers.TryGetValue(zone.Name, out var containerId))
            {
                Report($"zones[{i}].name", "name.taken-by-container", $"zone name '{zone.Name}' is taken by the zone of container '{containerId}' (attached through CNI); choose another name");
                continue;
            }

            Unique(zones, zone.Name, $"zones[{i}].name", "zone");
        }
    }

    private void Unique(Dictionary<string, string> seen, string name, string path, string kind)
    {
        if (!seen.TryAdd(name, path))
        {
            Report(path, "name.duplicate", $"{kind} name '{name}' is already used at {seen[name]}");
        }
    }

    private void ValidateUniqueMacs()
    {
        var seen = new Dictionary<MacAddress, string>();
        for (var z = 0; z < _model.Zones.Count; z++)
        {
            var zone = _model.Zones[z];
            for (var v = 0; v < zone.Vnics.Count; v++)
            {
                if (zone.Vnics[v].Mac is { } mac && !seen.TryAdd(mac, $"zone '{zone.Name}' vnic '{zone.Vnics[v].Name}'"))
                {
                    Report($"zones[{z}].vnics[{v}].mac", "mac.duplicate", $"MAC {mac} of zone '{zone.Name}' vnic '{zone.Vnics[v].Name}' is already used by {seen[mac]}");
                }
            }
        }
    }

    /// <summary>
    /// An explicit address may appear once per L2 domain (lower link and VLAN): two networks that share a domain
    /// share its ARP/NDP space, while different tenants' VLANs may reuse the same private addresses.
    /// </summary>
    private void ValidateUniqueAddresses()
    {
        var seen = new Dictionary<(string Over, int Vlan, IPAddress Address), string>();
        for (var z = 0; z < _model.Zones.Count; z++)
        {
            var zone = _model.Zones[z];
            for (var v = 0; v < zone.Vnics.Count; v++)
            {
                var vnic = zone.Vnics[v];
                var domain = vnic.Network is { } n && _networks.TryGetValue(n, out var network) ? (network.Over, network.Vlan)
                    : vnic.Over is { } over ? (over, vnic.Vlan ?? 0)
                    : ((string Over, int Vlan)?)null;
                if (domain is null)
                {
                    continue;
                }

                for (var a = 0; a < vnic.Addresses.Count; a++)
                {
                    if (vnic.Addresses[a].Address is not { } ip)
                    {
                        continue;
                    }

                    var holder = $"zone '{zone.Name}' vnic '{vnic.Name}' address '{vnic.Addresses[a].Tag}'";
                    if (!seen.TryAdd((domain.Value.Over, domain.Value.Vlan, ip), holder))
                    {
                        Report($"zones[{z}].vnics[{v}].addresses[{a}].address", "address.duplicate",
                            $"{ip} of {holder} is already held by {seen[(domain.Value.Over, domain.Value.Vlan, ip)]} in the same L2 domain ('{domain.Value.Over}' VLAN {domain.Value.Vlan})");
                    }
                }
            }
        }
    }
}
