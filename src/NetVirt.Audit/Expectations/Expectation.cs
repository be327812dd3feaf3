namespace NetVirt.Audit.Expectations;

/// <summary>What the model says about one probe arriving at one endpoint.</summary>
public enum Expectation : byte
{
    /// <summary>No such probe: the pair has no address of the family, or the source lacks the protection.</summary>
    NotApplicable = 0,

    /// <summary>The model forbids the arrival: arriving is a finding (LEAK, SPOOF_PASSED or VLAN_HOP).</summary>
    MustNot = 1,

    /// <summary>Allowed but not required (a flooded unicast frame, a routed path the zone itself does not use).</summary>
    May = 2,

    /// <summary>The model requires the arrival: not arriving is a BLACKHOLE.</summary>
    Must = 3,
}
