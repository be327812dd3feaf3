namespace NetVirt.Audit.Runs;

/// <summary>Progress of an audit run.</summary>
/// <param name="Phase">Current phase.</param>
/// <param name="Done">Work done in the phase (probes sent, handles opened).</param>
/// <param name="Total">Work of the phase.</param>
public readonly record struct AuditProgress(AuditPhase Phase, long Done, long Total);
