namespace NetVirt.Audit.Verdicts;

/// <summary>Facts about one audit run that reports print next to the verdicts.</summary>
public sealed record AuditRunInfo
{
    /// <summary>When the run started.</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>Wall time of the whole run (opening captures to closing them).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Probes planned and injected once each (resends are <see cref="ProbesResent"/>).</summary>
    public long ProbesSent { get; init; }

    /// <summary>Frames the captures delivered (probes, replies, everything).</summary>
    public long FramesCaptured { get; init; }

    /// <summary>Probe arrivals recognised by their tag.</summary>
    public long Arrivals { get; init; }

    /// <summary>How long the run waited after the last probe for frames still on their way.</summary>
    public TimeSpan Window { get; init; }

    /// <summary>Time the probes were sent (microseconds since the epoch), used as the evidence's first timestamp.</summary>
    public long SentAtMicroseconds { get; init; }

    /// <summary>Frames the kernel dropped because a capture ring was full (an incomplete capture).</summary>
    public long Dropped { get; init; }

    /// <summary>
    /// Probes sent again: those that must arrive and had not, before judging, and unanswered gateway queries
    /// (<see cref="Runs.AuditOptions.RetryRounds"/> times at most).
    /// </summary>
    public long ProbesResent { get; init; }

    /// <summary>Times the kernel refused a frame for a full buffer; each was retried after a pause.</summary>
    public long SendRefusals { get; init; }

    /// <summary>Probes given up after their buffers stayed full; judged as not probed.</summary>
    public long ProbesUnsent { get; init; }

    /// <summary>Capture engine name, e.g. libpcap's version.</summary>
    public string Engine { get; init; } = "";

    /// <summary>Notes: skipped VNICs, unanswered gateway queries, capture failures.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The bridges whose host side was watched (HOST_REACHED); empty when the host was not audited.</summary>
    public IReadOnlyList<string> HostBridges { get; init; } = [];
}
