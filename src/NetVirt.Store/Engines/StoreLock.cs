namespace NetVirt.Store.Engines;

/// <summary>
/// What a write transaction locks on PostgreSQL, where writers run side by side (SQLite has one writer at a time
/// anyway: BEGIN IMMEDIATE). Whole-state writes exclude every other desired-state write; targeted writes (adding or
/// removing zones and VNICs) share the state and lock the L2 domains they allocate in (<see cref="Dialect.LockL2Domain"/>).
/// </summary>
public enum StoreLock
{
    /// <summary>Nothing beyond row locks: journal and reports, which never touch the desired state.</summary>
    None,

    /// <summary>Shared with other targeted writes, excluded by whole-state writes.</summary>
    Shared,

    /// <summary>Alone: a write that reads and replaces the whole desired state.</summary>
    Exclusive,
}
