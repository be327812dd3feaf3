
namespace NetVirt.Audit.Probes;

/// <summary>Writes a probe frame carrying <paramref name="tag"/> into <paramref name="destination"/> and returns its length.</summary>
public delegate int FrameWriter(Span<byte> destination, ProbeTag tag);
