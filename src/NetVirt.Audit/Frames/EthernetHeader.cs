namespace NetVirt.Audit.Frames;

/// <summary>Addresses and VLAN tags of a frame to build; the EtherType follows from what is built inside it.</summary>
/// <param name="Destination">Destination MAC.</param>
/// <param name="Source">Source MAC.</param>
/// <param name="Tags">VLAN tags, outermost first.</param>
public sealed record EthernetHeader(MacAddress Destination, MacAddress Source, VlanTagList Tags = default)
{
    /// <summary>Header length in bytes: 14 plus 4 per tag.</summary>
    public int Length => 14 + (4 * Tags.Count);
}
