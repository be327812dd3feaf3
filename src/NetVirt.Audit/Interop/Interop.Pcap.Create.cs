using System.Runtime.InteropServices;

namespace NetVirt.Audit;

internal static partial class Interop
{
    internal static partial class Pcap
    {
        /// <summary><c>pcap_t *pcap_create(const char *source, char *errbuf)</c>; invalid handle on failure.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_create", StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial SafePcapHandle Create(string source, byte* errorBuffer);

        /// <summary><c>int pcap_set_snaplen(pcap_t *, int)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_set_snaplen")]
        internal static partial int SetSnapshotLength(SafePcapHandle pcap, int snapshotLength);

        /// <summary><c>int pcap_set_promisc(pcap_t *, int)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_set_promisc")]
        internal static partial int SetPromiscuous(SafePcapHandle pcap, int promiscuous);

        /// <summary><c>int pcap_set_timeout(pcap_t *, int to_ms)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_set_timeout")]
        internal static partial int SetTimeout(SafePcapHandle pcap, int timeoutMilliseconds);

        /// <summary><c>int pcap_set_immediate_mode(pcap_t *, int)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_set_immediate_mode")]
        internal static partial int SetImmediateMode(SafePcapHandle pcap, int immediate);

        /// <summary><c>int pcap_set_buffer_size(pcap_t *, int)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_set_buffer_size")]
        internal static partial int SetBufferSize(SafePcapHandle pcap, int bufferSize);

        /// <summary><c>int pcap_activate(pcap_t *)</c>: 0 ok, &gt; 0 warning, &lt; 0 error (PCAP_ERROR_*).</summary>
        [LibraryImport(Library, EntryPoint = "pcap_activate")]
        internal static partial int Activate(SafePcapHandle pcap);

        /// <summary><c>void pcap_close(pcap_t *)</c>; only <see cref="SafePcapHandle"/> calls it.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_close")]
        internal static partial void Close(nint pcap);

        /// <summary><c>char *pcap_geterr(pcap_t *)</c>; the text belongs to the handle and must not be freed.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_geterr")]
        internal static unsafe partial byte* GetError(SafePcapHandle pcap);

        /// <summary><c>const char *pcap_statustostr(int)</c>; static text, must not be freed.</summary>
        [LibraryImport(Library, EntryPoint = "pcap_statustostr")]
        internal static unsafe partial byte* StatusToString(int status);
    }
}
