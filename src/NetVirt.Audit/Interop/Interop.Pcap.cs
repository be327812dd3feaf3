namespace NetVirt.Audit;

// The Interop folder maps to the assembly's root namespace (as dotnet/runtime's Interop folder maps to the global
// one): a class named Interop inside a namespace named ...Interop would make every call site spell Interop.Interop.
internal static partial class Interop
{
    /// <summary>libpcap entry points (pcap/pcap.h, libpcap 1.5 or later for immediate mode).</summary>
    internal static partial class Pcap
    {
        /// <summary>Logical library name; <see cref="PcapLibrary"/> maps it to the real file.</summary>
        internal const string Library = "libpcap";

        /// <summary>PCAP_ERRBUF_SIZE from pcap/pcap.h.</summary>
        internal const int ErrorBufferSize = 256;

        /// <summary>PCAP_NETMASK_UNKNOWN from pcap/pcap.h.</summary>
        internal const uint NetmaskUnknown = 0xffffffff;

        /// <summary>PCAP_ERROR: generic error, text in pcap_geterr.</summary>
        internal const int Error = -1;

        /// <summary>PCAP_ERROR_NO_SUCH_DEVICE.</summary>
        internal const int ErrorNoSuchDevice = -5;

        /// <summary>PCAP_ERROR_PERM_DENIED.</summary>
        internal const int ErrorPermissionDenied = -8;

        /// <summary>PCAP_ERROR_IFACE_NOT_UP.</summary>
        internal const int ErrorInterfaceNotUp = -9;

        /// <summary>DLT_EN10MB / LINKTYPE_ETHERNET.</summary>
        internal const int DltEthernet = 1;

        // The resolver must be in place before the first libpcap stub runs; an explicit static constructor keeps
        // the type without beforefieldinit, so the runtime runs it before any of the stubs below.
        static Pcap() => PcapLibrary.RegisterResolver();
    }
}
