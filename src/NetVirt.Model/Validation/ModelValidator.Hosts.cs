using System.Net;
using System.Net.Sockets;

namespace NetVirt.Model.Validation;

public sealed partial class ModelValidator
{
    /// <summary>
    /// Hosts: valid unique names, unicast underlay addresses of one family (VXLAN joins every host of an L2 domain
    /// to every other, over one family), no address twice; zones name a host that exists, and only when there are hosts.
    /// </summary>
    private void ValidateHosts()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        AddressFamily? family = null;
        for (var i = 0; i < _model.Hosts.Count; i++)
        {
            var host = _model.Hosts[i];
            var path = $"hosts[{i}]";
            if (NameRules.CheckObjectName(host.Name) is { } problem)
            {
                Report($"{path}.name", "name.invalid", $"host name '{host.Name}' {problem}");
            }

            Unique(names, host.Name, $"{path}.name", "host");
            var address = host.Address;
            if (address.Equals(IPAddress.None) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || IPAddress.IsLoopback(address)
                || address.IsIPv6Multicast || (address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes()[0] >= 224))
            {
                Report($"{path}.address", "host.address-invalid",
                    $"host '{host.Name}': underlay address {address} is not a unicast address another host can reach (not 0.0.0.0, loopback, multicast or broadcast)");
                continue;
            }

            if (!addresses.TryAdd(address.ToString(), host.Name))
            {
                Report($"{path}.address", "host.address-duplicate", $"host '{host.Name}': underlay address {address} is already host '{addresses[address.ToString()]}''s");
            }

            family ??= address.AddressFamily;
            if (address.AddressFamily != family)
            {
                Report($"{path}.address", "host.address-family",
                    $"host '{host.Name}': underlay address {address} is {(address.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} but the first host's is not; VXLAN joins every host to every other over one family");
            }

            for (var l = 0; l < host.Labels.Count; l++)
            {
                if (string.IsNullOrWhiteSpace(host.Labels[l].Key))
                {
                    Report($"{path}.labels", "host.label-invalid", $"host '{host.Name}': a label needs a key");
                }
            }
        }

        for (var z = 0; z < _model.Zones.Count; z++)
        {
            var zone = _model.Zones[z];
            if (zone.Host is not { } host)
            {
                continue;
            }

            if (_model.Hosts.IsEmpty)
            {
                Report($"zones[{z}].host", "zone.host-without-hosts",
                    $"zone '{zone.Name}' names host '{host}', but the model declares no hosts; declare it under 'hosts' (with its underlay address), or leave 'host' out on a single host");
            }
            else if (!names.ContainsKey(host))
            {
                Report($"zones[{z}].host", "zone.unknown-host",
                    $"zone '{zone.Name}' is on host '{host}', which is not declared; declared hosts: {string.Join(", ", _model.Hosts.Select(h => h.Name))}");
            }
        }
    }
}
