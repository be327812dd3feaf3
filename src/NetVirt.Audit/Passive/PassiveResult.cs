using NetVirt.Audit.Topology;

namespace NetVirt.Audit.Passive;

/// <summary>The outcome of a passive audit.</summary>
/// <param name="Topology">The endpoints watched.</param>
/// <param name="Findings">Every offending source, grouped by endpoint, direction and source.</param>
/// <param name="Started">When capturing started.</param>
/// <param name="Duration">How long it captured.</param>
/// <param name="FramesSeen">Frames examined.</param>
/// <param name="Notes">Capture failures and skipped VNICs.</param>
public sealed record PassiveResult(AuditTopology Topology, IReadOnlyList<PassiveFinding> Findings, DateTimeOffset Started, TimeSpan Duration, long FramesSeen, IReadOnlyList<string> Notes)
{
    /// <summary>True when nothing was found.</summary>
    public bool IsClean => Findings.Count == 0;
}
