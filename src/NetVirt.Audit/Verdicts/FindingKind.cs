namespace NetVirt.Audit.Verdicts;

/// <summary>What went wrong. Reports name them in upper case with underscores (<c>SPOOF_PASSED</c>).</summary>
public enum FindingKind : byte
{
    /// <summary>A probe crossed between two VNICs the model isolates.</summary>
    Leak,

    /// <summary>A probe the model requires to cross did not.</summary>
    Blackhole,

    /// <summary>A forged frame from a protected VNIC arrived somewhere.</summary>
    SpoofPassed,

    /// <summary>A frame carrying another VLAN's tag left the source's L2 domain.</summary>
    VlanHop,

    /// <summary>A zone holds an address outside its VNIC's allowed sources (configuration found during the audit).</summary>
    ForeignAddress,

    /// <summary>
    /// A probe from a zone was delivered to the host's own network stack by one of NetVirt's bridges: the host answers
    /// a zone's ARP for its own addresses there and takes what the zone sends it.
    /// </summary>
    HostReached,

    /// <summary>Passive mode: a frame with a source MAC or IP that is not the sending VNIC's own or allowed.</summary>
    ForeignSource,
}
