namespace NetVirt.Audit.Frames;

/// <summary>One 802.1Q/802.1ad tag: tag protocol identifier plus the 16-bit tag control information.</summary>
/// <param name="VlanId">VLAN identifier, 0 to 4095.</param>
/// <param name="Priority">Priority code point, 0 to 7.</param>
/// <param name="DropEligible">Drop eligible indicator (formerly CFI).</param>
/// <param name="TagProtocol">TPID: <see cref="EtherTypes.Vlan"/> for a C-tag, <see cref="EtherTypes.ServiceVlan"/> for an S-tag.</param>
public readonly record struct VlanTag(ushort VlanId, byte Priority = 0, bool DropEligible = false, ushort TagProtocol = EtherTypes.Vlan)
{
    /// <summary>A customer tag (0x8100).</summary>
    public static VlanTag Customer(ushort vlanId, byte priority = 0) => new(vlanId, priority);

    /// <summary>A service tag (0x88a8), the outer tag of Q-in-Q.</summary>
    public static VlanTag Service(ushort vlanId, byte priority = 0) => new(vlanId, priority, TagProtocol: EtherTypes.ServiceVlan);

    /// <summary>The tag control information: PCP (3 bits), DEI (1 bit), VID (12 bits).</summary>
    public ushort ControlInformation => (ushort)((Priority << 13) | (DropEligible ? 0x1000 : 0) | VlanId);

    /// <summary>Decodes a TPID and TCI.</summary>
    public static VlanTag FromControlInformation(ushort tagProtocol, ushort tci) =>
        new((ushort)(tci & 0x0fff), (byte)(tci >> 13), (tci & 0x1000) != 0, tagProtocol);

    /// <summary>Throws when a field is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(VlanId, (ushort)4095, nameof(VlanId));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Priority, (byte)7, nameof(Priority));
        if (!EtherTypes.IsVlanTag(TagProtocol))
        {
            throw new ArgumentOutOfRangeException(nameof(TagProtocol), TagProtocol, "not a VLAN tag protocol identifier");
        }
    }
}
