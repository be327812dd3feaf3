namespace NetVirt.Audit.Capture;

/// <summary>One record of a savefile.</summary>
/// <param name="TimestampMicroseconds">Microseconds since the Unix epoch (nanosecond files are rounded down).</param>
/// <param name="OriginalLength">Length on the wire.</param>
/// <param name="Data">The bytes stored in the file.</param>
public sealed record PcapRecord(long TimestampMicroseconds, int OriginalLength, byte[] Data);
