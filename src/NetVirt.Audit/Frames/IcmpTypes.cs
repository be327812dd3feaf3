namespace NetVirt.Audit.Frames;

/// <summary>ICMPv4 (RFC 792) and ICMPv6 (RFC 4443, RFC 4861) message types the codec builds.</summary>
public static class IcmpTypes
{
    /// <summary>ICMPv4 echo reply.</summary>
    public const byte EchoReply = 0;

    /// <summary>ICMPv4 echo request.</summary>
    public const byte EchoRequest = 8;

    /// <summary>ICMPv6 echo request.</summary>
    public const byte Icmpv6EchoRequest = 128;

    /// <summary>ICMPv6 echo reply.</summary>
    public const byte Icmpv6EchoReply = 129;

    /// <summary>ICMPv6 neighbour solicitation.</summary>
    public const byte NeighborSolicitation = 135;

    /// <summary>ICMPv6 neighbour advertisement.</summary>
    public const byte NeighborAdvertisement = 136;
}
