namespace NetVirt.Audit.Frames;

/// <summary>What the frame carries after the Ethernet header and tags.</summary>
public enum NetworkLayer
{
    /// <summary>Nothing decoded (the Ethernet header itself was bad).</summary>
    None = 0,

    /// <summary>ARP.</summary>
    Arp,

    /// <summary>IPv4.</summary>
    Ipv4,

    /// <summary>IPv6.</summary>
    Ipv6,

    /// <summary>Another EtherType; its bytes are the payload.</summary>
    Other,
}
