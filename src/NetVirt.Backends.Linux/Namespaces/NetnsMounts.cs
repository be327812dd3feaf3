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

    // The device of nsfs, the one file system every namespace file is on.
    private static readonly Lazy<(uint Major, uint Minor)?> NsfsDevice =
        new(() => Interop.FileIdentity("/proc/self/ns/net") is { } self ? (self.Major, self.Minor) : null);

    /// <summary>The names in <c>/run/netns</c> (no namespace is entered).</summary>
    public static IReadOnlyList<string> List() =>
        Directory.Exists(NetnsThread.NetnsDirectory)
            ? [.. Directory.EnumerateFiles(NetnsThread.NetnsDirectory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
            : [];

    /// <summary>
    /// What each name in <c>/run/netns</c> is, from <c>/proc/self/mountinfo</c>: <c>nsfs</c> when a network namespace
    /// is mounted on it, <c>none</c> when nothing is (an empty file: a crash between creating the file and mounting
    /// on it, or between unmounting and unlinking), else the file system type of whatever is mounted there. Pure.
    /// </summary>
    internal static IReadOnlyList<Kernel.NetnsEntry> Classify(IReadOnlyList<string> names, string mountinfo)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(mountinfo);
        var prefix = NetnsThread.NetnsDirectory + "/";
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mount in MountInfo(mountinfo))
        {
            if (mount.MountPoint.StartsWith(prefix, StringComparison.Ordinal))
            {
                // A later line is mounted on top of an earlier one on the same point.
                mounts[mount.MountPoint[prefix.Length..]] = mount.FileSystem == Kernel.NetnsEntry.Nsfs && NetworkNamespaceInode(mount.Root) is null
                    ? "nsfs (not a network namespace)" : mount.FileSystem;
            }
        }

        return [.. names.Select(n => new Kernel.NetnsEntry(n, mounts.TryGetValue(n, out var type) ? type : Kernel.NetnsEntry.None))];
    }

    /// <summary>
    /// The lines of a <c>/proc/PID/mountinfo</c>: each mount's root within its file system (for <c>nsfs</c> the
    /// namespace, <c>net:[INODE]</c>), where it is mounted (unescaped) and the file system type. Malformed lines are
    /// skipped. Pure.
    /// </summary>
    internal static IEnumerable<(string Root, string MountPoint, string FileSystem)> MountInfo(string mountinfo)
    {
        ArgumentNullException.ThrowIfNull(mountinfo);
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS (proc(5)).
            var fields = line.Split(' ');
            var separator = fields.Length < 7 ? -1 : Array.IndexOf(fields, "-", 6);
            if (separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }

            yield return (Unescape(fields[3]), Unescape(fields[4]), fields[separator + 1]);
        }
    }

    /// <summary>
    /// The inode number of the network namespace a namespace link or nsfs root names (<c>net:[4026532281]</c>, as
    /// <c>readlink /proc/PID/ns/net</c> and mountinfo show it); null for anything else. Pure.
    /// </summary>
    internal static ulong? NetworkNamespaceInode(string? text) =>
        text is not null && text.StartsWith("net:[", StringComparison.Ordinal) && text.EndsWith(']')
        && ulong.TryParse(text.AsSpan(5, text.Length - 6), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var inode)
            ? inode : null;

    // mountinfo writes space, tab, newline and backslash in a path as \040, \011, \012 and \134.
    private static string Unescape(string path)
    {
        if (!path.Contains('\\', StringComparison.Ordinal))
        {
            return path;
        }

        var text = new System.Text.StringBuilder(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 3 < path.Length && path.AsSpan(i + 1, 3).IndexOfAnyExceptInRange('0', '7') < 0)
            {
                text.Append((char)Convert.ToInt32(path.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(path[i]);
            }
        }

        return text.ToString();
    }

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

    /// <summary>
    /// Names the calling thread's network namespace <paramref name="netns"/> (the thread must have unshared one): the
    /// file the name is (from <paramref name="files"/>), with the namespace bind-mounted on it.
    /// </summary>
    internal static void Bind(string netns, NameFiles files)
    {
        var path = NetnsThread.PathOf(netns);
        files.Make(path);
        if (Interop.Mount("/proc/thread-self/ns/net", path, "none", Interop.MS_BIND, 0) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            File.Delete(path);
            throw new IOException($"cannot bind the new network namespace to {path}: {Interop.Describe(errno)}");
        }
    }

    /// <summary>Whether a file (by <see cref="Interop.FileIdentity(string)"/>) is a namespace: it lives on nsfs.</summary>
    internal static bool IsNamespaceFile((uint Major, uint Minor, ulong Inode) file) =>
        NsfsDevice.Value is { } nsfs && nsfs == (file.Major, file.Minor);

    /// <summary>
    /// Removes the name <paramref name="netns"/> (lazy unmount and unlink; a name nothing is mounted on is just
    /// unlinked). The kernel destroys the namespace, and every interface in it, once nothing else holds it. Returns
    /// false when there was no such name.
    /// </summary>
    public static bool Delete(string netns) => Delete(netns, out _);

    /// <inheritdoc cref="Delete(string)"/>
    /// <param name="netns">The name.</param>
    /// <param name="inode">The inode number of the network namespace that was mounted on the name (what
    /// <see cref="NamespaceHolders"/> looks for), 0 when none was.</param>
    public static bool Delete(string netns, out ulong inode)
    {
        var path = NetnsThread.PathOf(netns);
        inode = 0;
        if (!File.Exists(path))
        {
            return false;
        }

        // The name's own file is not a namespace: only what lives on nsfs is one (one file system for all of them).
        if (Interop.FileIdentity(path) is { } identity && IsNamespaceFile(identity))
        {
            inode = identity.Inode;
        }

        // Every mount stacked on the name goes (normally one; none when a crash left only the file).
        for (var i = 0; i < 8 && Interop.Umount2(path, Interop.MNT_DETACH) == 0; i++)
        {
        }

        File.Delete(path);
        return true;
    }

    /// <summary>
    /// Makes the empty files names are mounted on. Each is a hard link to one unnamed file (<c>O_TMPFILE</c>) that
    /// this object makes once: what costs is the inode, not the name. On this machine's disk-backed <c>/run</c> (ext4)
    /// a new file in <c>/run/netns</c> cost up to 0.9 ms, a link 12 µs, and naming 1,000 namespaces took 1.07 s with a
    /// file each against 0.48 s with links (integration/bench/kernel/netns_names.py); on a tmpfs <c>/run</c> both are cheap.
    /// A name is a name either way: <c>ip netns</c> mounts on, unmounts and unlinks it alike, and once the unnamed file
    /// is closed nothing of it is left but the links. Where the file system or kernel refuses (no O_TMPFILE), each
    /// name is a file of its own, as <c>ip netns add</c> makes it. One per thread: not thread-safe.
    /// </summary>
    internal sealed class NameFiles : IDisposable
    {
        private int _unnamed = -1;
        private bool _linksRefused;

        /// <summary>Makes <paramref name="path"/> an empty file, or leaves the one that is there.</summary>
        public void Make(string path)
        {
            if (!_linksRefused && _unnamed < 0)
            {
                // Mode 0, as iproute2's netns_add: nothing opens the name's own file, only the namespace mounted on it.
                _unnamed = Interop.Open(NetnsThread.NetnsDirectory, Interop.OTmpFile | Interop.O_RDWR | Interop.O_CLOEXEC, 0);
                _linksRefused = _unnamed < 0;
            }

            if (!_linksRefused)
            {
                if (Interop.LinkAt(_unnamed, "", Interop.AT_FDCWD, path, Interop.AT_EMPTY_PATH) == 0 || Marshal.GetLastPInvokeError() == Interop.EEXIST)
                {
                    return;
                }

                _linksRefused = true;
            }

            using (File.Open(path, FileMode.OpenOrCreate, FileAccess.Read))
            {
            }
        }

        public void Dispose()
        {
            if (_unnamed >= 0)
            {
                Interop.Close(_unnamed);
                _unnamed = -1;
            }
        }
    }
}
