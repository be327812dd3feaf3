using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;

namespace NetVirt.Backends.Illumos.Export;

/// <summary>
/// The <c>nics</c> payload SmartOS vmadm takes for a zone (reference 7.1), built from the model, pure. vmadm then
/// creates the VNICs itself at every zone boot (transient, renamed into the zone as <c>netN</c>), so this is the way to
/// give a SmartOS zone NetVirt's network persistently without NetVirt running.
/// </summary>
public static partial class VmadmNics
{
    /// <summary>
    /// The payload for zone <paramref name="zoneName"/> of a resolved <paramref name="model"/>. Etherstubs are named
    /// as NetVirt creates them (<c>{prefix}_{name}</c>) in <c>nic_tag</c>; physical links keep their names.
    /// </summary>
    /// <exception cref="ArgumentException">The model has no zone of that name.</exception>
    public static VmadmNicsPayload Build(NetworkModel model, string zoneName, string prefix = IllumosBackendOptions.DefaultPrefix)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(zoneName);
        var zone = model.Zones.FirstOrDefault(z => string.Equals(z.Name, zoneName, StringComparison.Ordinal))
            ?? throw new ArgumentException($"the model has no zone '{zoneName}'", nameof(zoneName));
        var index = new ModelIndex(model);
        var naming = new IllumosNaming(prefix, IllumosVariant.SmartOs);
        var primary = ModelIndex.PrimaryVnic(zone);
        var notes = new List<string>();

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            json.WriteStartObject();
            json.WriteStartArray("nics");
            foreach (var vnic in zone.Vnics)
            {
                WriteNic(json, index, naming, vnic, ReferenceEquals(vnic, primary), notes);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        if (zone.Routes is { } routes && routes.Any(r => !r.IsDefault))
        {
            notes.Add($"zone {zone.Name}: routes other than default routes belong in the payload's top-level 'routes' object, which this export does not write");
        }

        return new VmadmNicsPayload(Encoding.UTF8.GetString(buffer.ToArray()) + "\n", notes);
    }

    private static void WriteNic(Utf8JsonWriter json, ModelIndex index, IllumosNaming naming, VnicSpec vnic, bool isPrimary, List<string> notes)
    {
        var what = $"vnic {vnic.Name}";
        var network = index.NetworkOf(vnic);
        var domain = index.DomainOf(vnic);
        json.WriteStartObject();
        json.WriteString("interface", vnic.Name);
        if (!NetN().IsMatch(vnic.Name))
        {
            notes.Add($"{what}: vmadm names a zone's NICs net0, net1, ...; rename it or vmadm will refuse the payload");
        }

        if (domain is { } d)
        {
            json.WriteString("nic_tag", index.IsEtherstub(d.Over) ? naming.Etherstub(d.Over) : d.Over);
            json.WriteNumber("vlan_id", d.Vlan);
        }
        else
        {
            notes.Add($"{what}: not resolved to a network; nic_tag and vlan_id are left out");
        }

        if (vnic.Mac is { } mac)
        {
            json.WriteString("mac", mac.ToString());
        }
        else
        {
            notes.Add($"{what}: no MAC yet; vmadm will generate one");
        }

        var addresses = index.InterfaceAddresses(vnic).ToDictionary(a => a.Spec.Tag, a => a.Address, StringComparer.Ordinal);
        json.WriteStartArray("ips");
        foreach (var address in vnic.Addresses)
        {
            switch (address.Type)
            {
                case AddressType.Dhcp:
                    json.WriteStringValue("dhcp");
                    break;
                case AddressType.Addrconf:
                    json.WriteStringValue("addrconf");
                    break;
                default:
                    if (addresses.TryGetValue(address.Tag, out var ia))
                    {
                        json.WriteStringValue(ia.ToString());
                    }
                    else
                    {
                        notes.Add($"{what}: address {address.Tag} has no address yet and is left out");
                    }

                    break;
            }
        }

        json.WriteEndArray();

        var hasIpv4 = vnic.Addresses.Any(a => ModelIndex.FamilyOf(a, network) == AddressFamily.InterNetwork);
        if (isPrimary && network?.Ipv4?.Gateway is { } gateway4 && hasIpv4)
        {
            json.WriteStartArray("gateways");
            json.WriteStringValue(gateway4.ToString());
            json.WriteEndArray();
        }

        if (isPrimary && network?.Ipv6?.Gateway is { } gateway6)
        {
            notes.Add($"{what}: vmadm takes IPv4 gateways only; the IPv6 gateway {gateway6} is left to router advertisements or a route in the zone");
        }

        if (isPrimary)
        {
            json.WriteBoolean("primary", true);
        }

        json.WriteNumber("mtu", index.EffectiveMtu(vnic));

        // vmadm starts from all four protections and drops: dhcp-nospoof AND ip-nospoof for allow_dhcp_spoofing,
        // ip-nospoof for allow_ip_spoofing, mac-nospoof for allow_mac_spoofing, restricted for allow_restricted_traffic.
        var protection = vnic.EffectiveProtection;
        var ipNospoof = protection.HasFlag(Protection.IpNospoof);
        var allowDhcp = !protection.HasFlag(Protection.DhcpNospoof) && !ipNospoof;
        if (!protection.HasFlag(Protection.DhcpNospoof) && ipNospoof)
        {
            notes.Add($"{what}: vmadm cannot drop dhcp-nospoof without dropping ip-nospoof; the payload keeps both (stricter than the model: DHCP client ids must derive from the MAC)");
        }

        json.WriteBoolean("allow_dhcp_spoofing", allowDhcp);
        json.WriteBoolean("allow_ip_spoofing", !ipNospoof);
        json.WriteBoolean("allow_mac_spoofing", !protection.HasFlag(Protection.MacNospoof));
        json.WriteBoolean("allow_restricted_traffic", !protection.HasFlag(Protection.Restricted));

        if (vnic.AllowedIps is { } allowed && ipNospoof)
        {
            // vmadm adds the NIC's own static addresses to allowed-ips by itself; list only the others.
            var own = addresses.Values.Select(a => new IPNetwork(a.Address, a.Family == AddressFamily.InterNetwork ? 32 : 128)).ToHashSet();
            json.WriteStartArray("allowed_ips");
            foreach (var prefix in allowed.Where(p => !own.Contains(p)))
            {
                var host = prefix.PrefixLength == (prefix.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
                json.WriteStringValue(host ? prefix.BaseAddress.ToString() : prefix.ToString());
            }

            json.WriteEndArray();
            if (own.Any(o => !allowed.Contains(o)))
            {
                notes.Add($"{what}: allowed-ips leaves out some of the NIC's own addresses, but vmadm always allows them");
            }
        }

        if (vnic.MaxBandwidth is not null || vnic.Priority is not null)
        {
            notes.Add($"{what}: vmadm has no per-NIC maxbw or priority; set them with 'dladm set-linkprop -t -z <zone>' after boot");
        }

        json.WriteEndObject();
    }

    [GeneratedRegex(@"\Anet[0-9]+\z")]
    private static partial Regex NetN();
}
