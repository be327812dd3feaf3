using System.Runtime.InteropServices;

namespace NetVirt.Audit;

/// <summary>
/// <c>struct pcap_stat</c> from pcap/pcap.h outside Windows: three <c>u_int</c> counters, 12 bytes. The Windows-only
/// <c>ps_capt</c>/<c>ps_sent</c>/<c>ps_netdrop</c> members do not exist on Linux.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 12)]
internal struct PcapStat
{
    /// <summary><c>ps_recv</c>: packets that passed the filter.</summary>
    [FieldOffset(0)]
    public uint Received;

    /// <summary><c>ps_drop</c>: packets dropped because the ring was full.</summary>
    [FieldOffset(4)]
    public uint Dropped;

    /// <summary><c>ps_ifdrop</c>: packets dropped by the interface.</summary>
    [FieldOffset(8)]
    public uint InterfaceDropped;
}
