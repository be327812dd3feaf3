using System.Net;
using System.Net.Sockets;

namespace NetVirt.Model.Spec;

/// <summary>
/// An ipadm address object (<c>vnic/tag</c>): a static address (explicit, or <c>auto</c> = allocated by IPAM),
/// DHCP, or IPv6 stateless autoconfiguration.
/// </summary>
public sealed record AddressSpec
{
    /// <summary>Address object tag (<c>v4</c>, <c>v6</c>, ...).</summary>
    public required string Tag { get; init; }

    /// <summary>How the address is obtained.</summary>
    public AddressType Type { get; init; } = AddressType.Static;

    /// <summary>Address family; derived from the address or the network when not given.</summary>
    public AddressFamily? Family { get; init; }

    /// <summary>A fixed address, or null for <c>auto</c> (static) and for dhcp/addrconf until resolved.</summary>
    public IPAddress? Address { get; init; }

    /// <summary>Prefix length; null means the prefix length of the network's subnet.</summary>
    public int? PrefixLength { get; init; }

    /// <summary>True for a static address that IPAM must allocate.</summary>
    public bool IsAuto => Type == AddressType.Static && Address is null;
}
