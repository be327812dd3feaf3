using System.Runtime.InteropServices;

namespace NetVirt.Audit;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>EPOLL_CLOEXEC from sys/epoll.h.</summary>
        internal const int EpollCloExec = 0x80000;

        /// <summary>EPOLL_CTL_ADD.</summary>
        internal const int EpollCtlAdd = 1;

        /// <summary>EPOLL_CTL_DEL.</summary>
        internal const int EpollCtlDel = 2;

        /// <summary>EPOLLIN.</summary>
        internal const uint EpollIn = 0x001;

        /// <summary>
        /// Size of <c>struct epoll_event</c> (<c>uint32_t events; epoll_data_t data;</c>): packed to 12 bytes on x86-64,
        /// naturally aligned (16) elsewhere.
        /// </summary>
        internal static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

        /// <summary>Offset of <c>data</c> in <c>struct epoll_event</c>.</summary>
        internal static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

        /// <summary><c>int epoll_create1(int flags)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "epoll_create1", SetLastError = true)]
        internal static partial int EpollCreate1(int flags);

        /// <summary><c>int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "epoll_ctl", SetLastError = true)]
        internal static unsafe partial int EpollCtl(int epfd, int op, int fd, byte* evt);

        /// <summary><c>int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "epoll_wait", SetLastError = true)]
        internal static unsafe partial int EpollWait(int epfd, byte* events, int maxEvents, int timeoutMilliseconds);

        /// <summary>Registers <paramref name="fd"/> for readability with <paramref name="data"/> as its cookie.</summary>
        internal static unsafe int EpollAdd(int epfd, int fd, ulong data)
        {
            var evt = stackalloc byte[16];
            *(uint*)evt = EpollIn;
            *(ulong*)(evt + EpollDataOffset) = data;
            return EpollCtl(epfd, EpollCtlAdd, fd, evt);
        }
    }
}
