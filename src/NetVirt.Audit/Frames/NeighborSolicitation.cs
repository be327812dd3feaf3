using System.Net;
using System.Net.Sockets;

namespace NetVirt.Audit.Frames;

/// <summary>An ICMPv6 neighbour solicitation (RFC 4861 section 4.3).</summary>
/// <param name="Target">The address being resolved.</param>
/// <param name="SourceLinkLayerAddress">Source link-layer address option; omitted for duplicate address detection.</param>
public sealed record NeighborSolicitation(IPAddress Target, MacAddress? SourceLinkLayerAddress)
{
    /// <summary>The solicited-node multicast group of <paramref name="target"/> (RFC 4291 section 2.7.1): ff02::1:ffXX:XXXX.</summary>
    public static IPAddress SolicitedNodeAddress(IPAddress target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"'{target}' is not an IPv6 address", nameof(target));
        }

        Span<byte> bytes = stackalloc byte[16];
        target.TryWriteBytes(bytes, out _);
        Span<byte> group = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, bytes[13], bytes[14], bytes[15]];
        return new IPAddress(group);
    }
}
