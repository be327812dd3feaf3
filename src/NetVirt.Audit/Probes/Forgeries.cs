using System.Net;
using NetVirt.Model.Addressing;
using NetVirt.Audit.Topology;

namespace NetVirt.Audit.Probes;

/// <summary>
/// The forged values spoofing probes carry: documentation addresses that nobody holds (RFC 7042 MAC, RFC 5737 IPv4,
/// RFC 3849 IPv6), so a forged frame that does get through cannot poison a real neighbour's cache.
/// </summary>
public static class Forgeries
{
    /// <summary>The forged source MAC: 00:00:5e:00:53:01, from the range RFC 7042 reserves for documentation.</summary>
    public static MacAddress Mac { get; } = MacAddress.Parse("00:00:5e:00:53:01");

    private static readonly IPAddress[] Ipv4Candidates =
        [IPAddress.Parse("192.0.2.1"), IPAddress.Parse("198.51.100.1"), IPAddress.Parse("203.0.113.1")];

    private static readonly IPAddress[] Ipv6Candidates =
        [IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8:1::1"), IPAddress.Parse("2001:db8:2::1")];

    /// <summary>A forged IPv4 source outside <paramref name="endpoint"/>'s allowed sources.</summary>
    public static IPAddress Ipv4For(AuditEndpoint endpoint) => Pick(endpoint, Ipv4Candidates, "IPv4");

    /// <summary>A forged IPv6 source outside <paramref name="endpoint"/>'s allowed sources.</summary>
    public static IPAddress Ipv6For(AuditEndpoint endpoint) => Pick(endpoint, Ipv6Candidates, "IPv6");

    /// <summary>
    /// An address nobody holds in <paramref name="address"/>'s solicited-node group: the documentation prefix
    /// 2001:db8::/32 (RFC 3849) with <paramref name="address"/>'s low 24 bits. A neighbour solicitation for it goes to
    /// the same group, so bridges that snoop MLD deliver it to the same ports, but no zone answers it or creates a
    /// neighbour entry for its sender.
    /// </summary>
    public static IPAddress UnheldInGroupOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = address.GetAddressBytes();
        return new IPAddress([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, bytes[13], bytes[14], bytes[15]]);
    }

    private static IPAddress Pick(AuditEndpoint endpoint, IPAddress[] candidates, string family)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return candidates.FirstOrDefault(a => !endpoint.IsAllowedSource(a))
            ?? throw new InvalidOperationException($"{endpoint.Name} allows every documentation {family} address as a source; no forged address is left to test ip-nospoof with");
    }
}
