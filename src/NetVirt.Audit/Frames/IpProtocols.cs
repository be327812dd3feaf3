namespace NetVirt.Audit.Frames;

/// <summary>IP protocol / IPv6 next-header numbers (IANA) the codec knows.</summary>
public static class IpProtocols
{
    /// <summary>IPv6 hop-by-hop options header.</summary>
    public const byte HopByHop = 0;

    /// <summary>ICMP for IPv4.</summary>
    public const byte Icmp = 1;

    /// <summary>TCP (recognised, not decoded).</summary>
    public const byte Tcp = 6;

    /// <summary>UDP.</summary>
    public const byte Udp = 17;

    /// <summary>IPv6 routing header.</summary>
    public const byte Routing = 43;

    /// <summary>IPv6 fragment header.</summary>
    public const byte Fragment = 44;

    /// <summary>ICMPv6.</summary>
    public const byte Icmpv6 = 58;

    /// <summary>IPv6 "no next header".</summary>
    public const byte NoNextHeader = 59;

    /// <summary>IPv6 destination options header.</summary>
    public const byte DestinationOptions = 60;
}
