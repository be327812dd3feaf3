namespace NetVirt.Audit.Frames;

/// <summary>Why parsing stopped early. Everything decoded before the problem stays available.</summary>
public enum FrameError
{
    /// <summary>Decoded as far as the codec goes.</summary>
    None = 0,

    /// <summary>Shorter than the 14-byte Ethernet header.</summary>
    EthernetTruncated,

    /// <summary>A VLAN tag is cut off.</summary>
    VlanTagTruncated,

    /// <summary>More than <see cref="VlanTagList.MaxTags"/> VLAN tags.</summary>
    TooManyVlanTags,

    /// <summary>ARP packet shorter than 28 bytes.</summary>
    ArpTruncated,

    /// <summary>ARP for something other than IPv4 over Ethernet.</summary>
    ArpUnsupported,

    /// <summary>IP header or the length it declares does not fit in the frame.</summary>
    IpTruncated,

    /// <summary>IP header inconsistent (version, header length, total length, extension headers).</summary>
    IpMalformed,

    /// <summary>ICMP or UDP header (or the length it declares) does not fit in the IP payload.</summary>
    TransportTruncated,

    /// <summary>ICMP or UDP content inconsistent (UDP length, neighbour discovery option length).</summary>
    TransportMalformed,
}
