namespace NetVirt.Audit.Frames;

/// <summary>What the IP packet carries.</summary>
public enum TransportLayer
{
    /// <summary>Not IP, or not decoded (fragment, error).</summary>
    None = 0,

    /// <summary>ICMP for IPv4.</summary>
    Icmpv4,

    /// <summary>ICMPv6 (including neighbour discovery).</summary>
    Icmpv6,

    /// <summary>UDP.</summary>
    Udp,

    /// <summary>Another protocol; its bytes are the payload.</summary>
    Other,
}
