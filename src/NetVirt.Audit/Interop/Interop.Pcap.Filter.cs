using System.Runtime.InteropServices;

namespace NetVirt.Audit;

internal static partial class Interop
{
    internal static partial class Pcap
    {
        /// <summary>
        /// <c>int pcap_compile(pcap_t *, struct bpf_program *, const char *, int optimize, bpf_u_int32 netmask)</c>.
        /// </summary>
        [LibraryImport(Library, EntryPoint = "pcap_compile", StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial int Compile(SafePcapHandle pcap, BpfProgram* program, string expression, int optimize, uint netmask);

        /// <summary><c>int pcap_setfilter(pcap_t *, struct bpf_program *)</c>; libpcap keeps its own copy.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_setfilter")]
        internal static partial int SetFilter(SafePcapHandle pcap, SafeBpfProgramHandle program);

        /// <summary><c>void pcap_freecode(struct bpf_program *)</c>; only <see cref="SafeBpfProgramHandle"/> calls it.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_freecode")]
        internal static unsafe partial void FreeCode(BpfProgram* program);
    }
}
