using System.Net;

namespace NetVirt.Model.Addressing;

/// <summary>
/// Address blocks that are never a tenant's subnet or a zone's address (RFC 6890 and RFC 4291): a subnet that
/// overlaps one of them would hand out loopback, link-local, multicast or mapped addresses, and a /0 would hand out
/// everything, down to <c>::1</c>.
/// </summary>
public static class SpecialAddresses
{
    private static readonly (IPNetwork Block, string What)[] Blocks =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "'this network' (0.0.0.0/8)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback (127.0.0.0/8)"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local (169.254.0.0/16)"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast (224.0.0.0/4)"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved and broadcast (240.0.0.0/4)"),
        (IPNetwork.Parse("::/128"), "the unspecified address (::)"),
        (IPNetwork.Parse("::1/128"), "loopback (::1)"),
        (IPNetwork.Parse("::ffff:0:0/96"), "IPv4-mapped (::ffff:0:0/96)"),
        (IPNetwork.Parse("fe80::/10"), "link-local (fe80::/10)"),
        (IPNetwork.Parse("ff00::/8"), "multicast (ff00::/8)"),
    ];

    /// <summary>
    /// Why <paramref name="subnet"/> cannot be a network's subnet (a phrase after "subnet X "), or null when it can.
    /// </summary>
    public static string? CheckSubnet(IPNetwork subnet)
    {
        if (subnet.PrefixLength == 0)
        {
            return "is every address of its family (a /0); give the tenant a real subnet";
        }

        foreach (var (block, what) in Blocks)
        {
            if (IpAddressMath.Overlap(block, subnet))
            {
                return $"overlaps the {what} addresses, which no zone may be given";
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="address"/> cannot be a zone's address or next hop (a phrase after "address X "), or null.</summary>
    public static string? CheckAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        foreach (var (block, what) in Blocks)
        {
            if (IpAddressMath.Overlap(block, new IPNetwork(address, IpAddressMath.BitsOf(address.AddressFamily))))
            {
                return $"is a {what} address";
            }
        }

        return null;
    }
}
