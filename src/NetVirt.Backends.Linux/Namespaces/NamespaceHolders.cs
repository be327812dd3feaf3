using System.Globalization;

namespace NetVirt.Backends.Linux.Namespaces;

/// <summary>
/// Who keeps network namespaces alive after their names are gone, read from <c>/proc</c>: a process or a thread that
/// runs in one, a descriptor open on one, or a mount namespace that mounts one somewhere else (a runtime's own bind
/// mount; the name itself is no holder anywhere, since unlinking a mount point detaches its mounts in every mount
/// namespace, Linux 3.18).
/// </summary>
/// <remarks>
/// A socket made in a namespace holds it too, and <c>/proc</c> does not show a socket's namespace: when nothing is
/// found, that (or another kernel object) is what is left. Asked only when a deleted namespace outlives its timeout,
/// so it reads every process's namespace links, descriptors and (once per mount namespace) mount table.
/// </remarks>
internal static class NamespaceHolders
{
    /// <summary>What holds each of the network namespaces <paramref name="inodes"/>; a namespace nothing visible holds is absent.</summary>
    public static IReadOnlyDictionary<ulong, IReadOnlyList<string>> Find(IReadOnlyCollection<ulong> inodes)
    {
        ArgumentNullException.ThrowIfNull(inodes);
        var wanted = inodes.Where(i => i != 0).ToHashSet();
        var found = new Dictionary<ulong, List<string>>();
        if (wanted.Count == 0)
        {
            return new Dictionary<ulong, IReadOnlyList<string>>();
        }

        void Add(ulong? inode, string holder)
        {
            if (inode is { } i && wanted.Contains(i))
            {
                (found.TryGetValue(i, out var list) ? list : found[i] = []).Add(holder);
            }
        }

        var mountNamespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in Safe(() => Directory.EnumerateDirectories("/proc")))
        {
            var pid = Path.GetFileName(directory);
            if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            var process = $"process {pid} ({Safe(() => File.ReadAllText(Path.Combine(directory, "comm")).Trim()) ?? "?"})";
            var own = NetnsMounts.NetworkNamespaceInode(LinkTarget(Path.Combine(directory, "ns", "net")));
            Add(own, $"{process} runs in it");

            // A thread can have entered another namespace than its process's (setns, as NetVirt's own threads do).
            foreach (var task in Safe(() => Directory.EnumerateDirectories(Path.Combine(directory, "task"))))
            {
                var thread = NetnsMounts.NetworkNamespaceInode(LinkTarget(Path.Combine(task, "ns", "net")));
                if (thread != own && thread is { } inode && wanted.Contains(inode))
                {
                    var name = Safe(() => File.ReadAllText(Path.Combine(task, "comm")).Trim()) ?? "?";
                    Add(thread, $"thread {Path.GetFileName(task)} ({name}) of {process} is in it");
                }
            }

            // A descriptor's link shows the path it was opened by (a name since removed), not the namespace: what it is
            // open on is asked of the file itself.
            foreach (var fd in Safe(() => Directory.EnumerateFileSystemEntries(Path.Combine(directory, "fd"))))
            {
                if (Netlink.Interop.FileIdentity(fd) is { } file && NetnsMounts.IsNamespaceFile(file))
                {
                    Add(file.Inode, $"{process} has it open (descriptor {Path.GetFileName(fd)})");
                }
            }

            if (LinkTarget(Path.Combine(directory, "ns", "mnt")) is { } mountNamespace && mountNamespaces.Add(mountNamespace))
            {
                var mountinfo = Safe(() => File.ReadAllText(Path.Combine(directory, "mountinfo"))) ?? "";
                foreach (var mount in NetnsMounts.MountInfo(mountinfo).Where(m => m.FileSystem == Kernel.NetnsEntry.Nsfs))
                {
                    Add(NetnsMounts.NetworkNamespaceInode(mount.Root), $"the mount namespace of {process} still mounts it on {mount.MountPoint}");
                }
            }
        }

        return found.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value);
    }

    private static string? LinkTarget(string path) => Safe(() => new FileInfo(path).LinkTarget);

    // A process can end, or refuse to be read, between listing and reading: it then holds nothing worth naming.
    private static T? Safe<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<string> Safe(Func<IEnumerable<string>> list)
    {
        try
        {
            return [.. list()];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
