using System.Net;
using NetVirt.Audit.Topology;
using NetVirt.Audit.Verdicts;
using NetVirt.Model.Addressing;
using PacketDotNet;

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
        if (frame.Length < 14)
        {
            return null; // not even an Ethernet header
        }

        if (Probes.ProbeSignature.TryDecode(frame) is not EthernetPacket ethernet)
        {
            return null;
        }

        try
        {
            return Check(endpoint, outbound, ethernet);
        }
        catch (Exception ex) when (Probes.ProbeSignature.IsDecodeError(ex))
        {
            return null; // PacketDotNet decodes lazily: a layer that lies about its length fails here, not above
        }
    }

    private (FindingKind Kind, int Sender, string Source, string Expected)? Check(int endpoint, bool outbound, EthernetPacket ethernet)
    {
        Packet packet = ethernet;

        var at = topology.Endpoints[endpoint];
        var arp = SafeExtract<ArpPacket>(packet);
        var sourceMac = Mac(ethernet.SourceHardwareAddress);
        var source = SourceAddress(packet, arp);
        if (outbound)
        {
            var arpSender = arp is null ? sourceMac : Mac(arp.SenderHardwareAddress);
            if (sourceMac != at.Mac || arpSender != at.Mac)
            {
                var mac = sourceMac != at.Mac ? sourceMac : arpSender;
                return (FindingKind.ForeignSource, endpoint, $"MAC {mac}", $"{at.Name} sends only from its own MAC {at.Mac}");
            }

            return source is not null && !Unspecified(source) && !at.IsAllowedSource(source)
                ? (FindingKind.ForeignSource, endpoint, $"{Family(source)} {source}", $"{at.Name} sends only from its allowed sources {string.Join(", ", at.AllowedSources)}")
                : null;
        }

        if (byMac.TryGetValue(sourceMac, out var sender))
        {
            var from = topology.Endpoints[sender];
            if (sender == endpoint)
            {
                return null;
            }

            if (from.Domain != at.Domain)
            {
                return (FindingKind.Leak, sender, $"MAC {sourceMac} ({from.Name})", $"isolated: {from.DomainText} vs {at.DomainText}");
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
            ? (FindingKind.ForeignSource, -1, $"{Family(source)} {source} from MAC {sourceMac}", $"only VNICs of network {at.Network.Name} and its gateway use addresses of {string.Join(", ", at.Network.Subnets.Select(s => s.Subnet))}")
            : null;
    }

    // A truncated frame decodes lazily; a layer that cannot be read counts as absent.
    private static T? SafeExtract<T>(Packet packet) where T : Packet
    {
        try
        {
            return packet.Extract<T>();
        }
        catch (Exception ex) when (Probes.ProbeSignature.IsDecodeError(ex))
        {
            return null;
        }
    }

    private static IPAddress? SourceAddress(Packet packet, ArpPacket? arp)
    {
        try
        {
            return arp is not null ? arp.SenderProtocolAddress : SafeExtract<IPPacket>(packet)?.SourceAddress;
        }
        catch (Exception ex) when (Probes.ProbeSignature.IsDecodeError(ex))
        {
            return null;
        }
    }

    private static MacAddress Mac(System.Net.NetworkInformation.PhysicalAddress address) => MacAddress.FromBytes(address.GetAddressBytes());

    private static bool Unspecified(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static string Family(IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "IPv4" : "IPv6";
}
