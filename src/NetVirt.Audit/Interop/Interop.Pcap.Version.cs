using System.Runtime.InteropServices;

namespace NetVirt.Audit;

internal static partial class Interop
{
    internal static partial class Pcap
    {
        /// <summary><c>const char *pcap_lib_version(void)</c>; static text, must not be freed.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_lib_version")]
        internal static unsafe partial byte* LibVersion();
    }
}
