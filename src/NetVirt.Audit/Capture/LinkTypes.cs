namespace NetVirt.Audit.Capture;

/// <summary>Link-layer header types (tcpdump.org LINKTYPE_ values) used by capture handles and pcap files.</summary>
public static class LinkTypes
{
    /// <summary>LINKTYPE_ETHERNET (DLT_EN10MB): IEEE 802.3 Ethernet.</summary>
    public const int Ethernet = 1;
}
