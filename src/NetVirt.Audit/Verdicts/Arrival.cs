namespace NetVirt.Audit.Verdicts;

/// <summary>A probe frame captured at an endpoint.</summary>
/// <param name="Probe">Probe index.</param>
/// <param name="Receiver">Endpoint whose capture saw it.</param>
/// <param name="TimestampMicroseconds">Kernel receive time.</param>
/// <param name="Frame">The captured bytes, kept only for arrivals the model forbids (evidence); else null.</param>
public readonly record struct Arrival(int Probe, int Receiver, long TimestampMicroseconds, byte[]? Frame = null);
