using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NetVirt.Audit;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>EFD_NONBLOCK from sys/eventfd.h (= O_NONBLOCK).</summary>
        internal const int EfdNonBlock = 0x800;

        /// <summary>EFD_CLOEXEC from sys/eventfd.h (= O_CLOEXEC).</summary>
        internal const int EfdCloExec = 0x80000;

        /// <summary><c>int eventfd(unsigned int initval, int flags)</c>; -1 on error.</summary>
        [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
        internal static partial int EventFd(uint initialValue, int flags);

        /// <summary><c>ssize_t read(int fd, void *buf, size_t count)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
        internal static unsafe partial nint Read(SafeFileHandle fd, void* buffer, nuint count);

        /// <summary><c>ssize_t write(int fd, const void *buf, size_t count)</c>.</summary>
        [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
        internal static unsafe partial nint Write(SafeFileHandle fd, void* buffer, nuint count);
    }
}
