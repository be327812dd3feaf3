namespace NetVirt.Audit.Probes;

/// <summary>The question a probe answers, which decides the finding kind when it fails.</summary>
public enum ProbeCategory : byte
{
    /// <summary>Reachability between two VNICs: LEAK when it crosses where it must not, BLACKHOLE when it must and does not.</summary>
    Reachability,

    /// <summary>Anti-spoofing: SPOOF_PASSED when the forged frame arrives anywhere.</summary>
    Spoofing,

    /// <summary>VLAN separation: VLAN_HOP when the tagged frame leaves the source's L2 domain.</summary>
    VlanHopping,

    /// <summary>Helper frames (gateway discovery); never judged.</summary>
    Discovery,
}
