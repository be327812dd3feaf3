using System.Runtime.InteropServices;

namespace NetVirt.Audit;

internal static partial class Interop
{
    internal static partial class Pcap
    {
        /// <summary><c>int pcap_inject(pcap_t *, const void *, size_t)</c>: bytes written, or PCAP_ERROR.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_inject")]
        internal static unsafe partial int Inject(SafePcapHandle pcap, byte* buffer, nuint size);
    }
}
