using System.Runtime.InteropServices;

namespace NetVirt.Audit;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>POLLIN.</summary>
        internal const short PollIn = 0x001;

        /// <summary>POLLERR.</summary>
        internal const short PollErr = 0x008;

        /// <summary>POLLHUP.</summary>
        internal const short PollHup = 0x010;

        /// <summary>POLLNVAL: the descriptor is not open.</summary>
        internal const short PollNval = 0x020;

        /// <summary><c>int poll(struct pollfd *fds, nfds_t nfds, int timeout)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
        internal static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);
    }
}
