using System.Net;

namespace NetVirt.Model.Addressing;

/// <summary>
/// SLAAC interface identifiers (RFC 4291 appendix A): the MAC with ff:fe in the middle and the universal/local bit
/// flipped. NetVirt records <c>addrconf</c> addresses this way so the audit knows them before any router speaks.
/// </summary>
public static class Eui64
{
    /// <summary>The 64-bit interface identifier derived from <paramref name="mac"/>.</summary>
    public static ulong InterfaceId(MacAddress mac)
    {
        var v = mac.Value;
        var upper = (v >> 24) ^ 0x02_0000; // flip the U/L bit of the first octet
        var lower = v & 0xFF_FFFF;
        return (upper << 40) | (0xFFFEUL << 24) | lower;
    }

    /// <summary>The address in <paramref name="prefix"/> (a /64) for <paramref name="mac"/>.</summary>
    public static IPAddress Derive(IPNetwork prefix, MacAddress mac)
    {
        if (prefix.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || prefix.PrefixLength > 64)
        {
            throw new ArgumentException($"SLAAC needs an IPv6 prefix of length 64 or shorter, not {prefix}", nameof(prefix));
        }

        var value = IpAddressMath.ToUInt128(prefix.BaseAddress) | InterfaceId(mac);
        return IpAddressMath.FromUInt128(value, System.Net.Sockets.AddressFamily.InterNetworkV6);
    }

    /// <summary>The link-local address (fe80::/64) for <paramref name="mac"/>.</summary>
    public static IPAddress LinkLocal(MacAddress mac) => Derive(IPNetwork.Parse("fe80::/64"), mac);
}
