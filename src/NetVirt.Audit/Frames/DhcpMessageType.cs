namespace NetVirt.Audit.Frames;

/// <summary>DHCP message type, option 53 (RFC 2132 section 9.6).</summary>
public enum DhcpMessageType : byte
{
    /// <summary>No option 53: a plain BOOTP message.</summary>
    None = 0,

    /// <summary>DHCPDISCOVER.</summary>
    Discover = 1,

    /// <summary>DHCPOFFER.</summary>
    Offer = 2,

    /// <summary>DHCPREQUEST.</summary>
    Request = 3,

    /// <summary>DHCPDECLINE.</summary>
    Decline = 4,

    /// <summary>DHCPACK.</summary>
    Ack = 5,

    /// <summary>DHCPNAK.</summary>
    Nak = 6,

    /// <summary>DHCPRELEASE.</summary>
    Release = 7,

    /// <summary>DHCPINFORM.</summary>
    Inform = 8,
}
