using System.Runtime.InteropServices;
using NetVirt.Backends.Linux.Netlink;

namespace NetVirt.Backends.Linux.Namespaces;

/// <summary>
/// Names network namespaces the way <c>ip netns</c> does, so both tools see the same namespaces: a bind mount of
/// the namespace file onto <c>/run/netns/NAME</c>, with <c>/run/netns</c> a shared mount so that removing the name
/// in one mount namespace removes it everywhere (iproute2's <c>netns_add</c>/<c>netns_delete</c>).
/// </summary>
public static class NetnsMounts
{
    private static readonly Lock Gate = new();
    private static bool s_runDirectoryReady;

    /// <summary>The names in <c>/run/netns</c> (no namespace is entered).</summary>
    public static IReadOnlyList<string> List() =>
        Directory.Exists(NetnsThread.NetnsDirectory)
            ? [.. Directory.EnumerateFiles(NetnsThread.NetnsDirectory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Creates <c>/run/netns</c> and makes it a shared mount point, once per process.</summary>
    public static void EnsureRunDirectory()
    {
        lock (Gate)
        {
            if (s_runDirectoryReady)
            {
                return;
            }

            Directory.CreateDirectory(NetnsThread.NetnsDirectory);
            var madeMountPoint = false;
            while (Interop.Mount("", NetnsThread.NetnsDirectory, "none", Interop.MS_SHARED | Interop.MS_REC, 0) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != Interop.EINVAL || madeMountPoint)
                {
                    throw new IOException($"cannot make {NetnsThread.NetnsDirectory} a shared mount: {Interop.Describe(errno)}");
                }

                // Not a mount point yet: bind it onto itself first, as iproute2 does.
                if (Interop.Mount(NetnsThread.NetnsDirectory, NetnsThread.NetnsDirectory, "none", Interop.MS_BIND | Interop.MS_REC, 0) != 0)
                {
                    throw new IOException($"cannot bind-mount {NetnsThread.NetnsDirectory} onto itself: {Interop.Describe(Marshal.GetLastPInvokeError())}");
                }

                madeMountPoint = true;
            }

            s_runDirectoryReady = true;
        }
    }

    /// <summary>Names the calling thread's network namespace <paramref name="netns"/> (the thread must have unshared one).</summary>
    internal static void Bind(string netns)
    {
        var path = NetnsThread.PathOf(netns);
        using (File.Open(path, FileMode.OpenOrCreate, FileAccess.Read))
        {
        }

        if (Interop.Mount("/proc/thread-self/ns/net", path, "none", Interop.MS_BIND, 0) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            File.Delete(path);
            throw new IOException($"cannot bind the new network namespace to {path}: {Interop.Describe(errno)}");
        }
    }

    /// <summary>
    /// Removes the name <paramref name="netns"/> (lazy unmount and unlink). The kernel destroys the namespace, and
    /// every interface in it, once nothing else holds it. Returns false when there was no such name.
    /// </summary>
    public static bool Delete(string netns)
    {
        var path = NetnsThread.PathOf(netns);
        if (!File.Exists(path))
        {
            return false;
        }

        Interop.Umount2(path, Interop.MNT_DETACH);
        File.Delete(path);
        return true;
    }
}
