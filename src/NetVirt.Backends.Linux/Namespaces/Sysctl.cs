using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using NetVirt.Backends.Linux.Netlink;

namespace NetVirt.Backends.Linux.Namespaces;

/// <summary>
/// Network sysctls of the calling thread's namespace: <c>/proc/sys/net</c> shows the namespace of the thread that
/// opens the file, so these are called on a thread that has entered the namespace (<see cref="NetnsThread"/>).
/// </summary>
/// <remarks>
/// <para>
/// Why not the host's <c>/proc</c>: each namespace has its own <c>/proc/sys/net</c> directory, and the kernel keeps all
/// of them in one hash chain of the <c>/proc</c> mount (same parent, same name), so the first sysctl of a new namespace
/// compares against every other namespace's entry. Measured here, the first write in each of N fresh namespaces took
/// 0.016 s in all for 250, 0.20 s for 1,000, 0.79 s for 2,000 and 4.85 s for 5,000: it grows with the square of the zones
/// (<c>integration/bench/kernel/sysctl_lookup.py</c>).
/// </para>
/// <para>
/// So each thread opens a private, detached instance of procfs (<c>fsopen</c>/<c>fsmount</c>, Linux 5.2; nothing is
/// mounted anywhere) and replaces it after <see cref="UsesPerInstance"/> files, which bounds the chain: 1,000 fresh
/// namespaces 0.04 s. Where the kernel refuses that (older, or a seccomp profile), the host's <c>/proc/sys</c>.
/// </para>
/// </remarks>
public static partial class Sysctl
{
    /// <summary>Files opened through one procfs instance before the next (an instance costs about 0.13 ms).</summary>
    public const int UsesPerInstance = 64;

    private const int FSOPEN_CLOEXEC = 1;
    private const int FSCONFIG_CMD_CREATE = 6;
    private const int FSMOUNT_CLOEXEC = 1;
    private const long SysFsopen = 430; // the same number on every architecture (new system calls are numbered alike)
    private const long SysFsconfig = 431;
    private const long SysFsmount = 432;
    private const int O_WRONLY = 1;
    private const int ENOENT = 2;

    [ThreadStatic]
    private static SafeFileHandle? t_instance;

    [ThreadStatic]
    private static int t_uses;

    private static volatile bool s_instancesRefused;

    /// <summary>False once the kernel refused a private procfs instance (then the host's <c>/proc/sys</c> serves).</summary>
    public static bool PrivateInstances => !s_instancesRefused;

    /// <summary>Reads <c>/proc/sys/{key}</c> (<c>net/ipv4/ip_forward</c>), trimmed.</summary>
    public static string Read(string key)
    {
        using var handle = Open(key, Interop.O_RDONLY);
        var buffer = new byte[256];
        var text = new StringBuilder();
        long offset = 0;
        int read;
        while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            offset += read;
        }

        return text.ToString().Trim();
    }

    /// <summary>Writes <paramref name="value"/> to <c>/proc/sys/{key}</c>.</summary>
    public static void Write(string key, string value)
    {
        using var handle = Open(key, O_WRONLY);
        RandomAccess.Write(handle, Encoding.UTF8.GetBytes(value + "\n"), 0);
    }

    /// <summary>Closes the calling thread's procfs instance; threads that enter namespaces call it before they end.</summary>
    public static void ReleaseThreadInstance()
    {
        t_instance?.Dispose();
        t_instance = null;
        t_uses = 0;
    }

    private static SafeFileHandle Open(string key, int access)
    {
        if (Instance() is not { } root)
        {
            return File.OpenHandle("/proc/sys/" + key, FileMode.Open, access == O_WRONLY ? FileAccess.Write : FileAccess.Read);
        }

        var fd = OpenAt(root, "sys/" + key, access | Interop.O_CLOEXEC);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == ENOENT)
        {
            throw new FileNotFoundException($"opening /proc/sys/{key} failed: {Interop.Describe(errno)}", "/proc/sys/" + key);
        }

        // Refused for another reason (a security module that knows the host's /proc only): the host's /proc from now on.
        s_instancesRefused = true;
        ReleaseThreadInstance();
        return Open(key, access);
    }

    private static SafeFileHandle? Instance()
    {
        if (s_instancesRefused)
        {
            return null;
        }

        if (t_instance is not null && t_uses++ < UsesPerInstance)
        {
            return t_instance;
        }

        ReleaseThreadInstance();
        var context = (int)Syscall(SysFsopen, "proc", FSOPEN_CLOEXEC);
        if (context < 0)
        {
            s_instancesRefused = true;
            return null;
        }

        using var contextHandle = new SafeFileHandle(context, ownsHandle: true);
        var mount = Syscall(SysFsconfig, context, FSCONFIG_CMD_CREATE, 0, 0, 0) == 0 ? (int)Syscall(SysFsmount, context, FSMOUNT_CLOEXEC, 0) : -1;
        if (mount < 0)
        {
            s_instancesRefused = true;
            return null;
        }

        t_instance = new SafeFileHandle(mount, ownsHandle: true);
        t_uses = 1;
        return t_instance;
    }

    private static int OpenAt(SafeFileHandle directory, string path, int flags)
    {
        var added = false;
        try
        {
            directory.DangerousAddRef(ref added);
            return Interop.OpenAt((int)directory.DangerousGetHandle(), path, flags);
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long Syscall(long number, string name, long flags);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a, long b, long c, long d, long e);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a, long b, long c);
}
