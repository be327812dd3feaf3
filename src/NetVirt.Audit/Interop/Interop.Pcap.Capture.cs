using System.Runtime.InteropServices;

namespace NetVirt.Audit;

internal static partial class Interop
{
    internal static partial class Pcap
    {
        /// <summary>PCAP_D_INOUT, PCAP_D_IN, PCAP_D_OUT: the <c>pcap_direction_t</c> enum of pcap/pcap.h.</summary>
        internal enum Direction
        {
            InOut = 0,
            In = 1,
            Out = 2,
        }

        /// <summary><c>int pcap_setnonblock(pcap_t *, int nonblock, char *errbuf)</c>; -1 on error.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_setnonblock")]
        internal static unsafe partial int SetNonBlock(SafePcapHandle pcap, int nonBlock, byte* errorBuffer);

        /// <summary><c>int pcap_get_selectable_fd(pcap_t *)</c>; -1 when the handle has none.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_get_selectable_fd")]
        internal static partial int GetSelectableFd(SafePcapHandle pcap);

        /// <summary>
        /// <c>int pcap_next_ex(pcap_t *, struct pcap_pkthdr **, const u_char **)</c>: 1 packet, 0 none waiting
        /// (non-blocking) or timeout, -1 error, -2 end of savefile. Header and data stay valid until the next call.
        /// </summary>
        [LibraryImport(Library, EntryPoint = "pcap_next_ex")]
        internal static unsafe partial int NextEx(SafePcapHandle pcap, PcapPacketHeader** header, byte** data);

        /// <summary><c>int pcap_setdirection(pcap_t *, pcap_direction_t)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_setdirection")]
        internal static partial int SetDirection(SafePcapHandle pcap, Direction direction);

        /// <summary><c>int pcap_datalink(pcap_t *)</c>: a DLT_ value.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_datalink")]
        internal static partial int DataLink(SafePcapHandle pcap);

        /// <summary><c>int pcap_stats(pcap_t *, struct pcap_stat *)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_stats")]
        internal static unsafe partial int Stats(SafePcapHandle pcap, PcapStat* statistics);
    }
}
