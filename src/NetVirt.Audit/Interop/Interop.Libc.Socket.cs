using System.Runtime.InteropServices;

namespace NetVirt.Audit;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>SOL_PACKET from linux/socket.h.</summary>
        internal const int SolPacket = 263;

        /// <summary>PACKET_IGNORE_OUTGOING from linux/if_packet.h (Linux 4.20): the socket gets no outgoing frames.</summary>
        internal const int PacketIgnoreOutgoing = 23;

        /// <summary><c>int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
        internal static unsafe partial int SetSockOpt(int fd, int level, int name, int* value, uint length);
    }
}
