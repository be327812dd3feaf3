using NetVirt.Audit.Probes;

namespace NetVirt.Audit.Verdicts;

/// <summary>
/// One finding: the pair (source → receiver; receiver -1 for a finding about the source alone), the probe kind, the
/// model's expectation in words and what was seen. <see cref="Frames"/> is the capture evidence: the frame as sent
/// first, then the frames captured at the receiver (none for a BLACKHOLE), each with its timestamp.
/// </summary>
public sealed record AuditFinding
{
    /// <summary>Kind.</summary>
    public required FindingKind Kind { get; init; }

    /// <summary>Endpoint the probe came from.</summary>
    public required int Source { get; init; }

    /// <summary>Endpoint it arrived at (or should have), or -1.</summary>
    public required int Receiver { get; init; }

    /// <summary>For <see cref="FindingKind.HostReached"/>: the NetVirt bridge that delivered the probe to the host's own stack.</summary>
    public string? HostInterface { get; init; }

    /// <summary>Probe kind.</summary>
    public required ProbeKind Probe { get; init; }

    /// <summary>Index of the first probe behind the finding, or -1.</summary>
    public int ProbeIndex { get; init; } = -1;

    /// <summary>How many probes of this pair and kind behaved so (arrivals, or probes that never arrived).</summary>
    public int Count { get; init; } = 1;

    /// <summary>The model's expectation and its reason: <c>isolated: VLAN 100 vs 200 on etherstub stub0</c>.</summary>
    public required string Expected { get; init; }

    /// <summary>What was observed: <c>arrived 2 times</c>, <c>never arrived within 1.2 s</c>.</summary>
    public required string Observed { get; init; }

    /// <summary>Evidence: the probe as sent, then the copies captured, each with where and when it was seen.</summary>
    public IReadOnlyList<EvidenceFrame> Frames { get; init; } = [];

    /// <summary>File name of the evidence pcapng, once written.</summary>
    public string? EvidenceFile { get; init; }
}
