using System.Net;
using NetVirt.Audit.Frames;
using NetVirt.Audit.Topology;
using NetVirt.Audit.Verdicts;

namespace NetVirt.Audit.Passive;

/// <summary>
/// The passive checks as a pure function of one frame. A frame leaving a VNIC must carry its own MAC as Ethernet source
/// (and ARP sender) and an allowed source address (0.0.0.0 and :: are allowed: DHCP discovery and duplicate address
/// detection). A frame arriving at a VNIC from another known VNIC must come from the same L2 domain (else LEAK) and
/// carry one of that VNIC's allowed sources (else SPOOF_PASSED). Frames from unknown MACs are judged only by their
/// addresses: a source inside the receiver's own subnets that no VNIC and no gateway holds is FOREIGN_SOURCE.
/// </summary>
public sealed class PassiveRules
{
    private readonly AuditTopology topology;
    private readonly Dictionary<MacAddress, int> byMac = [];

    /// <summary>Creates the rules for <paramref name="topology"/>.</summary>
    public PassiveRules(AuditTopology topology)
    {
        this.topology = topology ?? throw new ArgumentNullException(nameof(topology));
        foreach (var e in topology.Endpoints)
        {
            byMac.TryAdd(e.Mac, e.Index);
        }
    }

    /// <summary>
    /// Checks one frame seen at <paramref name="endpoint"/>; returns null when it is fine, else the kind, the sender
    /// (or -1), the offending source in words and what was expected.
    /// </summary>
    public (FindingKind Kind, int Sender, string Source, string Expected)? Check(int endpoint, bool outbound, ReadOnlySpan<byte> frame)
    {
        var parsed = FrameParser.Parse(frame);
        if (parsed.Error == FrameError.EthernetTruncated)
        {
            return null;
        }

        var at = topology.Endpoints[endpoint];
        var source = SourceAddress(parsed);
        if (outbound)
        {
            if (parsed.Source != at.Mac || (parsed.Network == NetworkLayer.Arp && parsed.ArpSenderHardwareAddress != at.Mac))
            {
                var mac = parsed.Source != at.Mac ? parsed.Source : parsed.ArpSenderHardwareAddress;
                return (FindingKind.ForeignSource, endpoint, $"MAC {mac}", $"{at.Name} sends only from its own MAC {at.Mac}");
            }

            return source is not null && !Unspecified(source) && !at.IsAllowedSource(source)
                ? (FindingKind.ForeignSource, endpoint, $"{Family(source)} {source}", $"{at.Name} sends only from its allowed sources {string.Join(", ", at.AllowedSources)}")
                : null;
        }

        if (byMac.TryGetValue(parsed.Source, out var sender))
        {
            var from = topology.Endpoints[sender];
            if (sender == endpoint)
            {
                return null;
            }

            if (from.Domain != at.Domain)
            {
                return (FindingKind.Leak, sender, $"MAC {parsed.Source} ({from.Name})", $"isolated: {from.DomainText} vs {at.DomainText}");
            }

            return source is not null && !Unspecified(source) && !from.IsAllowedSource(source)
                ? (FindingKind.SpoofPassed, sender, $"{Family(source)} {source}", $"{from.Name} may send only from {string.Join(", ", from.AllowedSources)}")
                : null;
        }

        // Unknown MAC (a router leg, or something that should not be there): judge the address it claims.
        if (source is null || Unspecified(source) || source.IsIPv6LinkLocal || at.Network is null)
        {
            return null;
        }

        var inOwnSubnet = at.Network.Subnets.Any(s => s.Subnet.Contains(source));
        var known = at.Network.Subnets.Any(s => source.Equals(s.Gateway)) || topology.Endpoints.Any(e => e.Network == at.Network && e.IsAllowedSource(source));
        return inOwnSubnet && !known
            ? (FindingKind.ForeignSource, -1, $"{Family(source)} {source} from MAC {parsed.Source}", $"only VNICs of network {at.Network.Name} and its gateway use addresses of {string.Join(", ", at.Network.Subnets.Select(s => s.Subnet))}")
            : null;
    }

    private static IPAddress? SourceAddress(in ParsedFrame parsed) => parsed.Network switch
    {
        NetworkLayer.Arp when !parsed.ArpSenderProtocolAddress.IsEmpty => new IPAddress(parsed.ArpSenderProtocolAddress),
        NetworkLayer.Ipv4 or NetworkLayer.Ipv6 when !parsed.SourceAddress.IsEmpty => new IPAddress(parsed.SourceAddress),
        _ => null,
    };

    private static bool Unspecified(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static string Family(IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "IPv4" : "IPv6";
}
