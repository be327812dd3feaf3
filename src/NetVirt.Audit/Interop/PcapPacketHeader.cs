using System.Runtime.InteropServices;

namespace NetVirt.Audit;

/// <summary>
/// <c>struct pcap_pkthdr</c> from pcap/pcap.h on LP64 Linux: <c>struct timeval ts</c> (two 8-byte longs),
/// <c>bpf_u_int32 caplen</c>, <c>bpf_u_int32 len</c>; 24 bytes, no padding.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal struct PcapPacketHeader
{
    /// <summary><c>ts.tv_sec</c>.</summary>
    [FieldOffset(0)]
    public long Seconds;

    /// <summary><c>ts.tv_usec</c>.</summary>
    [FieldOffset(8)]
    public long Microseconds;

    /// <summary><c>caplen</c>: bytes present in the buffer.</summary>
    [FieldOffset(16)]
    public uint CapturedLength;

    /// <summary><c>len</c>: length of the frame on the wire.</summary>
    [FieldOffset(20)]
    public uint OriginalLength;
}
