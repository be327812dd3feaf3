using System.Runtime.InteropServices;

namespace NetVirt.Backends.Linux.Netlink;

/// <summary>The libc calls the Linux backend needs: netlink sockets (sys/socket.h) and namespace mounts (sys/mount.h, sched.h).</summary>
internal static partial class Interop
{
    internal const int AF_INET = 2;
    internal const int AF_NETLINK = 16;
    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int O_RDONLY = 0;
    internal const int O_CLOEXEC = 0x80000;
    internal const int NETLINK_ROUTE = 0;
    internal const int SOL_SOCKET = 1;
    internal const int SO_SNDBUFFORCE = 32;
    internal const int SO_RCVBUFFORCE = 33;
    internal const int SOL_NETLINK = 270;
    internal const int NETLINK_CAP_ACK = 10;
    internal const int NETLINK_EXT_ACK = 11;
    internal const int CLONE_NEWNET = 0x40000000;
    internal const ulong MS_BIND = 4096;
    internal const ulong MS_REC = 16384;
    internal const ulong MS_SHARED = 1 << 20;
    internal const int MNT_DETACH = 2;
    internal const int EINTR = 4;
    internal const int EINVAL = 22;
    internal const int EEXIST = 17;
    internal const int ENODEV = 19;
    internal const int O_RDWR = 2;
    internal const int AT_FDCWD = -100;
    internal const int AT_EMPTY_PATH = 0x1000;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    internal static unsafe partial int SetSockOpt(int fd, int level, int name, int* value, uint length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    internal static unsafe partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    internal static unsafe partial nint Receive(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    internal static unsafe partial int Ioctl(int fd, nuint request, byte* argument);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    internal static unsafe partial nint Read(int fd, byte* buffer, nuint length);

    /// <summary>
    /// The names in a directory, by <c>readdir</c> alone: <see cref="Directory.EnumerateFileSystemEntries(string)"/>
    /// also stats every symbolic link it meets (each entry of <c>/sys/class/net</c> is one), which costs more than
    /// reading the entry.
    /// </summary>
    internal static unsafe List<string> ListDirectory(string path)
    {
        var directory = OpenDir(path);
        if (directory == 0)
        {
            throw new IOException($"opendir {path} failed: {Describe(Marshal.GetLastPInvokeError())}");
        }

        var names = new List<string>();
        try
        {
            byte* entry;
            while ((entry = ReadDir(directory)) != null)
            {
                // struct dirent (64-bit glibc): d_ino, d_off, d_reclen, d_type, then the NUL-terminated d_name at 19.
                var name = System.Text.Encoding.UTF8.GetString(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + 19));
                if (name is not ("." or ".."))
                {
                    names.Add(name);
                }
            }
        }
        finally
        {
            CloseDir(directory);
        }

        return names;
    }

    [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint OpenDir(string path);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static unsafe partial byte* ReadDir(nint directory);

    [LibraryImport("libc", EntryPoint = "closedir", SetLastError = true)]
    private static partial int CloseDir(nint directory);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int OpenAt(int directory, string path, int flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LinkAt(int oldDirectory, string oldPath, int newDirectory, string newPath, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    internal const int F_DUPFD_CLOEXEC = 1030;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(int fd, int command, int argument);

    /// <summary>
    /// The device and inode of the file <paramref name="path"/> names, symbolic links followed (a namespace's identity:
    /// <c>/proc/PID/ns/net</c> is a link to it, a name in <c>/run/netns</c> a mount of it); null when it cannot be read.
    /// By <c>statx</c>, whose buffer is laid out alike on every architecture.
    /// </summary>
    internal static (uint Major, uint Minor, ulong Inode)? FileIdentity(string path) => FileIdentity(AT_FDCWD, path, 0);

    /// <summary>The device and inode of the open file <paramref name="fd"/> (<see cref="FileIdentity(string)"/>), without a second lookup of its path.</summary>
    internal static (uint Major, uint Minor, ulong Inode)? FileIdentity(int fd) => FileIdentity(fd, "", AT_EMPTY_PATH);

    private static unsafe (uint Major, uint Minor, ulong Inode)? FileIdentity(int directory, string path, int flags)
    {
        const int StatxIno = 0x100;
        var buffer = stackalloc byte[256];
        if (Statx(directory, path, flags, StatxIno, buffer) != 0)
        {
            return null;
        }

        return (*(uint*)(buffer + 136), *(uint*)(buffer + 140), *(ulong*)(buffer + 32));
    }

    /// <summary>The kind of namespace the file <paramref name="fd"/> is (<c>CLONE_NEWNET</c> for a network namespace), -1 when it is none (ioctl NS_GET_NSTYPE).</summary>
    internal static unsafe int NamespaceType(int fd) => Ioctl(fd, 0xb703, null);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

    /// <summary>
    /// The index of the interface called <paramref name="name"/> in the calling thread's network namespace, 0 when
    /// there is none: one ioctl on a name hash, where a netlink dump costs the kernel a scan of every peer namespace
    /// per veth (see <see cref="Kernel.LinuxKernel"/>).
    /// </summary>
    [LibraryImport("libc", EntryPoint = "if_nametoindex", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint IfNameToIndex(string name);

    /// <summary>The name of the interface with <paramref name="index"/> in the calling thread's namespace, or null when there is none.</summary>
    internal static unsafe string? IfIndexToName(int index)
    {
        var name = stackalloc byte[16];
        return IfIndexToName((uint)index, name) == null ? null : System.Text.Encoding.UTF8.GetString(new ReadOnlySpan<byte>(name, 16)[..new ReadOnlySpan<byte>(name, 16).IndexOf((byte)0)]);
    }

    [LibraryImport("libc", EntryPoint = "if_indextoname", SetLastError = true)]
    private static unsafe partial byte* IfIndexToName(uint index, byte* name);

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    internal static partial int Unshare(int flags);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mount(string source, string target, string? fileSystemType, ulong flags, nint data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Umount2(string target, int flags);

    /// <summary>open(2)'s O_TMPFILE: __O_TMPFILE with O_DIRECTORY, whose value differs between architectures.</summary>
    internal static int OTmpFile => 0x400000 | (RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000);

    /// <summary>The text of an errno value.</summary>
    internal static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
