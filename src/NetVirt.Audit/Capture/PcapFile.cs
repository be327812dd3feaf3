namespace NetVirt.Audit.Capture;

/// <summary>A savefile read by <see cref="PcapFileReader"/>.</summary>
/// <param name="LinkType">LINKTYPE_ value from the file header.</param>
/// <param name="SnapshotLength">Snapshot length from the file header.</param>
/// <param name="NanosecondTimestamps">True for the <c>0xa1b23c4d</c> nanosecond variant.</param>
/// <param name="Records">Records in file order.</param>
public sealed record PcapFile(int LinkType, int SnapshotLength, bool NanosecondTimestamps, IReadOnlyList<PcapRecord> Records);
