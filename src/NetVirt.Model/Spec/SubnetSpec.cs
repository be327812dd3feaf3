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
    /// The provisioning range in effect: the given bounds, else the whole subnet without the network address and,
    /// for IPv4, the broadcast address.
    /// </summary>
    public IpRange EffectiveRange
    {
        get
        {
            var first = IpAddressMath.First(Subnet);
            var last = IpAddressMath.Last(Subnet);
            if (Family == AddressFamily.InterNetwork && Subnet.PrefixLength <= 30)
            {
                first++;
                last--;
            }
            else if (Family == AddressFamily.InterNetworkV6 && Subnet.PrefixLength <= 126)
            {
                first++; // the subnet-router anycast address
            }

            return new IpRange(RangeStart ?? IpAddressMath.FromUInt128(first, Family), RangeEnd ?? IpAddressMath.FromUInt128(last, Family));
        }
    }

    /// <summary>True when <paramref name="address"/> is this subnet's network address or IPv4 broadcast address.</summary>
    public bool IsNetworkOrBroadcast(IPAddress address)
    {
        var value = IpAddressMath.ToUInt128(address);
        return value == IpAddressMath.First(Subnet)
            || (Family == AddressFamily.InterNetwork && Subnet.PrefixLength <= 30 && value == IpAddressMath.Last(Subnet));
    }
}
