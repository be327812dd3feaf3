namespace NetVirt.Audit.Verdicts;

/// <summary>The summary of an ordered pair, worst finding first: what the matrix cell shows.</summary>
public enum PairStatus : byte
{
    /// <summary>The same endpoint (diagonal).</summary>
    Self,

    /// <summary>Isolated as the model requires.</summary>
    Isolated,

    /// <summary>Reachable as the model requires.</summary>
    Reachable,

    /// <summary>Something required did not cross.</summary>
    Blackhole,

    /// <summary>Something forbidden crossed.</summary>
    Leak,

    /// <summary>A forged frame from the source arrived at the receiver.</summary>
    SpoofPassed,

    /// <summary>A frame with a foreign VLAN tag from the source arrived at the receiver.</summary>
    VlanHop,
}
