namespace NetVirt.Model.Spec;

/// <summary>dladm link <c>protection</c> flags.</summary>
[Flags]
public enum Protection
{
    /// <summary>No protection.</summary>
    None = 0,

    /// <summary>Only the VNIC's own MAC may be the source of frames it sends.</summary>
    MacNospoof = 1,

    /// <summary>Only non-IPv4/IPv6/ARP traffic is dropped, and foreign VLAN tags.</summary>
    Restricted = 2,

    /// <summary>Only allowed IPv4/IPv6 source addresses (ARP and NDP included).</summary>
    IpNospoof = 4,

    /// <summary>DHCP client ids must derive from the VNIC's MAC; no DHCP server replies.</summary>
    DhcpNospoof = 8,
}
