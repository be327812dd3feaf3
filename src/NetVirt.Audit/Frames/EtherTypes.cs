namespace NetVirt.Audit.Frames;

/// <summary>EtherType values (IEEE 802 numbers) the codec knows.</summary>
public static class EtherTypes
{
    /// <summary>IPv4.</summary>
    public const ushort Ipv4 = 0x0800;

    /// <summary>ARP.</summary>
    public const ushort Arp = 0x0806;

    /// <summary>IEEE 802.1Q customer VLAN tag (C-tag).</summary>
    public const ushort Vlan = 0x8100;

    /// <summary>IPv6.</summary>
    public const ushort Ipv6 = 0x86dd;

    /// <summary>IEEE 802.1ad service VLAN tag (S-tag), the outer tag of a double-tagged (Q-in-Q) frame.</summary>
    public const ushort ServiceVlan = 0x88a8;

    /// <summary>Pre-standard Q-in-Q outer tag some switches still send; accepted on parse.</summary>
    public const ushort LegacyQinQ = 0x9100;

    /// <summary>IEEE 802 "local experimental" EtherType 1, free for private probe frames.</summary>
    public const ushort LocalExperimental1 = 0x88b5;

    /// <summary>True for the tag protocol identifiers the parser treats as a VLAN tag.</summary>
    public static bool IsVlanTag(ushort etherType) => etherType is Vlan or ServiceVlan or LegacyQinQ;
}
