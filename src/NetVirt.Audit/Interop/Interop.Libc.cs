namespace NetVirt.Audit;

internal static partial class Interop
{
    /// <summary>The few libc calls the capture multiplexer needs (poll.h, sys/eventfd.h, unistd.h).</summary>
    internal static partial class Libc
    {
        /// <summary>Logical library name; the runtime maps <c>libc</c> to the C library on Linux.</summary>
        internal const string Library = "libc";

        /// <summary>EINTR from errno.h.</summary>
        internal const int EINTR = 4;

        /// <summary>EAGAIN from errno.h.</summary>
        internal const int EAGAIN = 11;
    }
}
