using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Backends.Linux.Netlink;

namespace NetVirt.Backends.Linux.Kernel;

/// <summary>
/// The real kernel: rtnetlink sockets (many requests per <c>send</c>), namespaces named by bind mounts in
/// <c>/run/netns</c> as <c>ip netns</c> does, and work inside namespaces on dedicated threads (<see cref="NetnsThread"/>).
/// </summary>
internal sealed class LinuxKernel : ILinuxKernel
{
    // Descriptors of peer namespaces held open at once while a host batch is encoded (the process limit is often 1,024).
    private const int MaxOpenNamespaces = 200;
    private const int ENODEV = 19;
    private const int ENOENT = 2;
    private const int EACCES = 13;
    private const int ENOTDIR = 20;
    private const string SysClassNet = "/sys/class/net";

    /// <summary>The kernel of this host.</summary>
    public static LinuxKernel Instance { get; } = new();

    /// <inheritdoc />
    public IReadOnlyList<NetnsEntry> Namespaces()
    {
        var names = NetnsMounts.List();
        if (names.Count == 0)
        {
            return [];
        }

        return NetnsMounts.Classify(names, File.ReadAllText("/proc/self/mountinfo"));
    }

    /// <inheritdoc />
    public IReadOnlyList<LinkObserved> HostLinks() => HostLinkReader.Read();

    /// <inheritdoc />
    public IReadOnlyList<AddressObserved> HostAddresses()
    {
        using var socket = NetlinkSocket.Open();
        return Dumps.Addresses(socket);
    }

    /// <inheritdoc />
    public IReadOnlyList<NeighbourObserved> HostNeighbours()
    {
        using var socket = NetlinkSocket.Open();
        return Dumps.Neighbours(socket);
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Name, string? Alias)> HostLinkAliases(string prefix)
    {
        // sysfs shows the links of the namespace it was mounted in: the process's own, which is the host namespace
        // here (namespace work runs on dedicated threads, never this one).
        var links = new List<(string, string?)>();
        foreach (var directory in Directory.EnumerateDirectories(SysClassNet, prefix + "*"))
        {
            try
            {
                var alias = File.ReadAllText(Path.Combine(directory, "ifalias")).TrimEnd('\n');
                links.Add((Path.GetFileName(directory), alias.Length == 0 ? null : alias));
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // Gone between listing and reading.
            }
            catch (IOException ex) when (ex.HResult == ENODEV)
            {
                // Being removed (sysfs answers ENODEV while it takes the entry down): seen right after a destroy of
                // 1,000 zones, whose namespaces' host ends go in the background. Whose it was cannot be read any more.
                links.Add((Path.GetFileName(directory), ILinuxKernel.AliasOfUnregisteringLink));
            }
        }

        return links;
    }

    /// <inheritdoc />
    public bool HasHostLink(string name) =>
        // A link being unregistered leaves the name table before its sysfs entry goes (which a new link of the same
        // name would collide with): it is there until both are gone.
        Interop.IfNameToIndex(name) != 0 || Path.Exists($"{SysClassNet}/{name}");

    /// <inheritdoc />
    public NetnsPathKind ClassifyNamespacePath(string path)
    {
        var fd = Interop.Open(path, Interop.O_RDONLY | Interop.O_CLOEXEC);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError() is ENOENT or ENOTDIR ? NetnsPathKind.Missing : NetnsPathKind.Unreadable;
        }

        try
        {
            if (Interop.NamespaceType(fd) != Interop.CLONE_NEWNET)
            {
                return NetnsPathKind.NotANetworkNamespace;
            }

            // The identity of what was opened, not of the path looked up again.
            return Interop.FileIdentity(fd) is { } identity && identity == Interop.FileIdentity("/proc/self/ns/net") ? NetnsPathKind.Host : NetnsPathKind.Other;
        }
        finally
        {
            Interop.Close(fd);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<NetlinkResult> Execute(IReadOnlyList<RtnlRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        using var socket = NetlinkSocket.Open();
        var results = new NetlinkResult[requests.Count];
        var fds = new Dictionary<string, SafeFileHandle>(StringComparer.Ordinal);
        var indexOf = IndexResolver();

        int NamespaceFd(string netns)
        {
            if (!fds.TryGetValue(netns, out var handle))
            {
                try
                {
                    fds[netns] = handle = File.OpenHandle(NetnsThread.PathOf(netns), FileMode.Open, FileAccess.Read);
                }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    throw new RtnlResolveException(ENOENT, $"network namespace '{netns}' does not exist");
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
                {
                    // A path the runtime gave that this process may not open (EACCES; a directory reads so too): the
                    // step fails naming it, instead of the whole request failing unexpectedly.
                    throw new RtnlResolveException(EACCES, $"network namespace '{NetnsThread.PathOf(netns)}' cannot be opened: {ex.Message}");
                }
            }

            return (int)handle.DangerousGetHandle();
        }

        try
        {
            var first = 0;
            while (first < requests.Count)
            {
                // A chunk ends before it would hold more namespace descriptors than allowed at once.
                var batch = new NetlinkBatch();
                var sent = new List<int>();
                var next = first;
                for (; next < requests.Count; next++)
                {
                    if (fds.Count >= MaxOpenNamespaces && Peer(requests[next]) is { } peer && !fds.ContainsKey(peer))
                    {
                        break;
                    }

                    try
                    {
                        RtnlEncoder.Encode(requests[next], batch, indexOf, NamespaceFd);
                        sent.Add(next);
                    }
                    catch (RtnlResolveException ex)
                    {
                        results[next] = new NetlinkResult(ex.Errno, ex.Message);
                    }
                }

                var answers = socket.Execute(batch);
                for (var i = 0; i < sent.Count; i++)
                {
                    results[sent[i]] = answers[i];
                }

                foreach (var fd in fds.Values)
                {
                    fd.Dispose();
                }

                fds.Clear();
                first = next;
            }
        }
        finally
        {
            foreach (var fd in fds.Values)
            {
                fd.Dispose();
            }
        }

        return results;
    }

    /// <inheritdoc />
    public IReadOnlyList<(T? Result, Exception? Error)> InEach<T>(IReadOnlyList<string> namespaces, int threads, Func<INamespaceKernel, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return NetnsThread.RunInEachParallel(namespaces, threads, ns =>
        {
            using var inside = new NamespaceKernel(ns);
            return work(inside);
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<(bool Created, Exception? Error)> CreateNamespaces(IReadOnlyList<string> names, int threads, Action<INamespaceKernel> initialize)
    {
        ArgumentNullException.ThrowIfNull(initialize);
        return NetnsThread.CreateEach(names, threads, ns =>
        {
            using var inside = new NamespaceKernel(ns);
            initialize(inside);
        }, Volatile.Read(ref _spares));
    }

    // The spares being made for the namespaces the running apply will create (one apply at a time holds the apply lock).
    private SpareNamespaces? _spares;

    /// <inheritdoc />
    public IDisposable MakeNamespacesAhead(int count)
    {
        var spares = new SpareNamespaces(count);
        Interlocked.Exchange(ref _spares, spares)?.Dispose();
        return new Ahead(this, spares);
    }

    private sealed class Ahead(LinuxKernel kernel, SpareNamespaces spares) : IDisposable
    {
        public void Dispose()
        {
            Interlocked.CompareExchange(ref kernel._spares, null, spares);
            spares.Dispose();
        }
    }

    /// <inheritdoc />
    public bool DeleteNamespace(string name, out ulong inode) => NetnsMounts.Delete(name, out inode);

    /// <inheritdoc />
    public IReadOnlyDictionary<ulong, IReadOnlyList<string>> NamespaceHolders(IReadOnlyCollection<ulong> inodes) =>
        NetVirt.Backends.Linux.Namespaces.NamespaceHolders.Find(inodes);

    /// <summary>
    /// Names to indexes in the calling thread's namespace, each looked up once (<c>if_nametoindex</c>). Not a dump of
    /// every link: dumping a veth makes the kernel look up the id of its peer's namespace by walking every namespace
    /// id the host has (<c>peernet2id</c>), so a dump of N host ends costs N × N; a name lookup costs one hash probe.
    /// </summary>
    private static Func<string, int> IndexResolver()
    {
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        return name =>
        {
            if (!indexes.TryGetValue(name, out var index))
            {
                index = (int)Interop.IfNameToIndex(name);
                if (index == 0)
                {
                    throw new RtnlResolveException(ENODEV, $"interface '{name}' does not exist");
                }

                indexes[name] = index;
            }

            return index;
        };
    }

    private static string? Peer(RtnlRequest request) => request switch
    {
        CreateVethRequest v => v.PeerNetns,
        CreateMacvlanRequest m => m.Netns,
        _ => null,
    };

    /// <summary>The namespace the calling dedicated thread has entered; its socket is opened there on first use.</summary>
    private sealed class NamespaceKernel(string name) : INamespaceKernel, IDisposable
    {
        private NetlinkSocket? _socket;

        public string Name { get; } = name;

        private NetlinkSocket Socket => _socket ??= NetlinkSocket.Open();

        public IReadOnlyList<NetlinkResult> Execute(IReadOnlyList<RtnlRequest> requests)
        {
            var results = new NetlinkResult[requests.Count];
            var batch = new NetlinkBatch();
            var sent = new List<int>();
            var indexOf = IndexResolver();

            for (var i = 0; i < requests.Count; i++)
            {
                try
                {
                    RtnlEncoder.Encode(requests[i], batch, indexOf, netns => throw new RtnlResolveException(ENOENT, $"network namespace '{netns}' cannot be named from inside '{Name}'"));
                    sent.Add(i);
                }
                catch (RtnlResolveException ex)
                {
                    results[i] = new NetlinkResult(ex.Errno, ex.Message);
                }
            }

            var answers = batch.Count == 0 ? [] : Socket.Execute(batch);
            for (var i = 0; i < sent.Count; i++)
            {
                results[sent[i]] = answers[i];
            }

            return results;
        }

        public IReadOnlyList<LinkObserved> Links() => Dumps.Links(Socket);

        public IReadOnlyList<AddressObserved> Addresses() => Dumps.Addresses(Socket);

        public IReadOnlyList<RouteObserved> Routes() => Dumps.Routes(Socket);

        public string ReadSysctl(string key) => Sysctl.Read(key);

        public void WriteSysctl(string key, string value) => Sysctl.Write(key, value);

        public void Dispose() => _socket?.Dispose();
    }
}
