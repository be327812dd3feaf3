using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Addressing;

namespace NetVirt.Model.Spec;

/// <summary>Addressing of one family on a network: subnet, gateway and the provisioning range.</summary>
public sealed record SubnetSpec
{
    /// <summary>The subnet (IPv4) or prefix (IPv6).</summary>
    public required IPNetwork Subnet { get; init; }

    /// <summary>Default gateway on this network, if any.</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>First address automatic allocation may hand out; null = first usable address.</summary>
    public IPAddress? RangeStart { get; init; }

    /// <summary>Last address automatic allocation may hand out; null = last usable address.</summary>
    public IPAddress? RangeEnd { get; init; }

    /// <summary>Address family.</summary>
    public AddressFamily Family => Subnet.BaseAddress.AddressFamily;

    /// <summary>
    /// True when the subnet's first address (and for IPv4 its last) is not a host address: the network and broadcast
    /// addresses of IPv4 up to /30, the subnet-router anycast address of IPv6 up to /126. Point-to-point and host
    /// subnets have none (RFC 3021 for /31, RFC 6164 for /127; /32 and /128 are the one address they hold).
    /// </summary>
    public bool HasReservedEnds => Subnet.PrefixLength <= (Family == AddressFamily.InterNetwork ? 30 : 126);

    /// <summary>
    /// The provisioning range in effect: the given bounds, else the whole subnet without the network address and,
    /// for IPv4, the broadcast address (see <see cref="HasReservedEnds"/>).
    /// </summary>
    public IpRange EffectiveRange
    {
        get
        {
            var first = IpAddressMath.First(Subnet);
            var last = IpAddressMath.Last(Subnet);
            if (HasReservedEnds)
            {
                first++; // the network address, or IPv6's subnet-router anycast address
                if (Family == AddressFamily.InterNetwork)
                {
                    last--; // the broadcast address
                }
            }

            return new IpRange(RangeStart ?? IpAddressMath.FromUInt128(first, Family), RangeEnd ?? IpAddressMath.FromUInt128(last, Family));
        }
    }

    /// <summary>True when <paramref name="address"/> is this subnet's network (or subnet-router anycast) address or IPv4 broadcast address.</summary>
    public bool IsNetworkOrBroadcast(IPAddress address)
    {
        if (!HasReservedEnds)
        {
            return false;
        }

        var value = IpAddressMath.ToUInt128(address);
        return value == IpAddressMath.First(Subnet) || (Family == AddressFamily.InterNetwork && value == IpAddressMath.Last(Subnet));
    }
}
