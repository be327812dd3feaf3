using System.Net;
using System.Net.Sockets;
using NetVirt.Api.Endpoints;
using NetVirt.Backends.Containers;
using NetVirt.Cni;
using NetVirt.Cni.Protocol;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Store;

namespace NetVirt.Api.Cni;

/// <summary>
/// The CNI request in NetVirt's words and back (pure): the VNIC an ADD asks for (on the network or pool the conflist
/// names, with the runtime's requested addresses, MAC and bandwidth, else one automatic address per family like
/// <c>POST /vnics</c>), and the CNI result of a stored attachment.
/// </summary>
public static class AttachmentTranslation
{
    /// <summary>
    /// The VNIC for <paramref name="request"/>, given the stored model without zones. Malformed requested addresses or
    /// MACs are CNI code 7 naming what was given; whether they are free and in the subnet is the store's to say.
    /// </summary>
    public static Func<NetworkModel, VnicSpec> VnicBuilder(AttachmentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var addresses = request.Ips.Select((text, i) => ParseAddress(text, i)).ToList();
        MacAddress? mac = request.Mac is { } m
            ? MacAddress.TryParse(m, out var parsed) ? parsed : throw new CniException(CniErrorCode.InvalidConfig, $"requested MAC '{m}' is not a MAC address (e.g. 02:08:20:00:00:01)")
            : null;
        return infrastructure =>
        {
            var isPool = !infrastructure.Networks.Any(n => n.Name == request.Network) && infrastructure.Pools.Any(p => p.Name == request.Network);
            var vnic = new VnicSpec
            {
                Name = request.Ifname ?? "eth0",
                Network = isPool ? null : request.Network,
                Pool = isPool ? request.Network : null,
                Mac = mac,
                MaxBandwidth = request.MaxBandwidth,
            };
            return vnic with { Addresses = addresses.Count > 0 ? [.. addresses] : [.. VnicEndpoints.DefaultAddresses(infrastructure, vnic)] };
        };
    }

    /// <summary>The zone's labels.</summary>
    public static IReadOnlyList<LabelSpec> Labels(AttachmentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return [.. request.Labels.Select(l => new LabelSpec(l.Key, l.Value)).OrderBy(l => l.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The CNI result of <paramref name="attachment"/>: the host end and the container interface (with the namespace as
    /// its sandbox), every address with its network's gateway of that family, and the routes of the zone that leave
    /// through this interface.
    /// </summary>
    public static AttachmentResult Result(ContainerAttachment attachment, AttachmentRealization realization)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        ArgumentNullException.ThrowIfNull(realization);
        var index = new ModelIndex(attachment.Infrastructure with { Zones = [attachment.Zone] });
        var vnic = attachment.Vnic;
        var network = index.NetworkOf(vnic);
        var addresses = index.InterfaceAddresses(vnic);
        var routes = index.EffectiveRoutes(attachment.Zone)
            .Where(r => addresses.Any(a => a.Address.Address.AddressFamily == r.Gateway.AddressFamily && IpAddressMath.Contains(a.Address.Network, r.Gateway)))
            .ToList();
        return new AttachmentResult
        {
            Interfaces =
            [
                new ResultInterface { Name = realization.HostInterface, Mac = realization.HostMac },
                new ResultInterface { Name = vnic.Name, Mac = vnic.Mac?.ToString(), Sandbox = attachment.Zone.Container!.Netns, Mtu = index.EffectiveMtu(vnic) },
            ],
            Ips = [.. addresses.Select(a => new ResultIp
            {
                Address = a.Address.ToString(),
                Gateway = network?.Subnets.FirstOrDefault(s => s.Family == a.Address.Address.AddressFamily)?.Gateway?.ToString(),
                Interface = 1,
            })],
            Routes = [.. routes.Select(r => new ResultRoute { Dst = r.Destination.ToString(), Gw = r.Gateway.ToString() })],
        };
    }

    private static AddressSpec ParseAddress(string text, int index)
    {
        IPAddress? address;
        int? prefix = null;
        if (text.Contains('/', StringComparison.Ordinal))
        {
            if (!InterfaceAddress.TryParse(text, out var withPrefix))
            {
                throw new CniException(CniErrorCode.InvalidConfig, $"requested address '{text}' is not an IP address with a prefix length (e.g. 10.100.0.20/24)");
            }

            (address, prefix) = (withPrefix.Address, withPrefix.PrefixLength);
        }
        else if (!IpAddressMath.TryParsePlain(text, out address))
        {
            throw new CniException(CniErrorCode.InvalidConfig, $"requested address '{text}' is not an IP address ({IpAddressMath.AddressFormHint})");
        }

        return new AddressSpec
        {
            Tag = $"ip{index}",
            Address = address,
            Family = address.AddressFamily,
            PrefixLength = prefix,
        };
    }
}
