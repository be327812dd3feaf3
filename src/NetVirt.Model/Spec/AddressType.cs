namespace NetVirt.Model.Spec;

/// <summary>ipadm address object types (<c>create-addr -T</c>).</summary>
public enum AddressType
{
    /// <summary>A fixed address (given, or allocated by IPAM).</summary>
    Static,

    /// <summary>DHCPv4.</summary>
    Dhcp,

    /// <summary>IPv6 stateless autoconfiguration (SLAAC, EUI-64 from the MAC).</summary>
    Addrconf,
}
