using System.Runtime.InteropServices;

namespace NetVirt.Audit.Capture;

/// <summary>
/// <c>struct pcap_pkthdr</c> (pcap/pcap.h) on 64-bit Linux: <c>struct timeval ts</c> (two longs), <c>bpf_u_int32
/// caplen</c>, <c>bpf_u_int32 len</c>. <see cref="SharpPcapCaptureHandle"/> reads the header SharpPcap's
/// <c>GetNextPacketPointers</c> points at in place, without the two allocations of <c>PcapHeader.FromPointer</c>; the
/// capture thread does this for every frame.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct CaptureFrameHeader
{
    private readonly long seconds;
    private readonly long microseconds;
    private readonly uint capturedLength;
    private readonly uint originalLength;

    /// <summary>The header as <see cref="CaptureFrameInfo"/>.</summary>
    public CaptureFrameInfo ToInfo() => new((seconds * 1_000_000) + microseconds, (int)capturedLength, (int)originalLength);
}
