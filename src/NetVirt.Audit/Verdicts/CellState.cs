namespace NetVirt.Audit.Verdicts;

/// <summary>The outcome of one probe kind for one ordered pair.</summary>
public enum CellState : byte
{
    /// <summary>No probe of this kind for the pair (no address of the family).</summary>
    NotProbed,

    /// <summary>Required to arrive, and it did.</summary>
    Reached,

    /// <summary>Forbidden, and nothing arrived.</summary>
    Isolated,

    /// <summary>Forbidden, and it arrived (LEAK).</summary>
    Leaked,

    /// <summary>Required, and it did not arrive (BLACKHOLE).</summary>
    Blackholed,

    /// <summary>Allowed but not required, and it arrived.</summary>
    MayCrossed,

    /// <summary>Allowed but not required, and it did not arrive.</summary>
    MayNotCrossed,
}
