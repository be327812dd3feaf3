namespace NetVirt.Audit.Verdicts;

/// <summary>A frame kept as evidence of a finding, with where and when it was seen.</summary>
/// <param name="TimestampMicroseconds">When it was sent or captured, in microseconds since the Unix epoch.</param>
/// <param name="Frame">The frame bytes.</param>
/// <param name="Endpoint">The endpoint it was sent from (<paramref name="Sent"/>) or captured at.</param>
/// <param name="Sent">True for the probe as injected at its source; false for a copy captured at a receiver.</param>
/// <param name="HostInterface">
/// For a copy the host's own stack received: the NetVirt bridge, in the host's namespace, that delivered it
/// (<paramref name="Endpoint"/> is then the probe's source). Null for frames seen in zones.
/// </param>
public sealed record EvidenceFrame(long TimestampMicroseconds, byte[] Frame, int Endpoint, bool Sent, string? HostInterface = null);
