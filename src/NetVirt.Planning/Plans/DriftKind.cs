namespace NetVirt.Planning.Plans;

/// <summary>How an owned host object differs from the desired state.</summary>
public enum DriftKind
{
    /// <summary>Desired but absent from the host.</summary>
    Missing,

    /// <summary>Present with different properties.</summary>
    Changed,

    /// <summary>Owned by NetVirt, present, but no longer desired.</summary>
    Extra,
}
