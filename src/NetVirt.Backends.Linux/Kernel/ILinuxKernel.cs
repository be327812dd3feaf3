using NetVirt.Backends.Linux.Netlink;

namespace NetVirt.Backends.Linux.Kernel;

/// <summary>
/// The kernel as the Linux backend uses it: rtnetlink requests and dumps in the host namespace, the names in
/// <c>/run/netns</c>, and work inside namespaces. <see cref="LinuxKernel"/> is the real one (netlink sockets,
/// <c>setns</c> on dedicated threads, bind mounts); tests put a fake kernel here. Everything the backend changes on
/// the host goes through this interface, <see cref="INftables"/> or <see cref="ITrafficControl"/>.
/// </summary>
internal interface ILinuxKernel
{
    /// <summary>Every name in <c>/run/netns</c>, with whether it really names a network namespace.</summary>
    IReadOnlyList<NetnsEntry> Namespaces();

    /// <summary>
    /// The links of the host namespace, without <see cref="LinkObserved.LinkNetnsId"/> (read without a dump, whose cost
    /// grows as N × N with N veth host ends: <see cref="HostLinkReader"/>).
    /// </summary>
    IReadOnlyList<LinkObserved> HostLinks();

    /// <summary>The addresses of the host namespace (where the underlay address of a host with an overlay is).</summary>
    IReadOnlyList<AddressObserved> HostAddresses();

    /// <summary>The forwarding and neighbour entries of the host namespace (those of VXLAN devices are NetVirt's overlay).</summary>
    IReadOnlyList<NeighbourObserved> HostNeighbours();

    /// <summary>
    /// The names of the host namespace's links that start with <paramref name="prefix"/>, with their aliases (null:
    /// none; <see cref="AliasOfUnregisteringLink"/>: the link is being removed and its alias can no longer be read),
    /// without dumping every link (a dump costs the kernel N × N for N veth host ends: <see cref="LinuxKernel"/>).
    /// </summary>
    IReadOnlyList<(string Name, string? Alias)> HostLinkAliases(string prefix);

    /// <summary>What <see cref="HostLinkAliases"/> gives as the alias of a link being removed (no alias can contain a NUL).</summary>
    const string AliasOfUnregisteringLink = "\0unregistering";

    /// <summary>
    /// True when the host namespace has a link called <paramref name="name"/>, also one still being unregistered (a
    /// name lookup and its sysfs entry, no dump).
    /// </summary>
    bool HasHostLink(string name);

    /// <summary>Sends <paramref name="requests"/> in the host namespace, in order; one answer per request.</summary>
    IReadOnlyList<NetlinkResult> Execute(IReadOnlyList<RtnlRequest> requests);

    /// <summary>
    /// What <paramref name="path"/> names, as a runtime's namespace for a container: the host namespace (this process's
    /// own, where its host requests go) is known by its identity, not its path: <c>/proc/1/ns/net</c>,
    /// <c>/proc/self/ns/net</c> and a name mounted on either are all it.
    /// </summary>
    NetnsPathKind ClassifyNamespacePath(string path);

    /// <summary>
    /// Runs <paramref name="work"/> inside each namespace, at most <paramref name="threads"/> at a time. Results come
    /// back in input order; an exception (a namespace that cannot be entered) is returned for its namespace only.
    /// </summary>
    IReadOnlyList<(T? Result, Exception? Error)> InEach<T>(IReadOnlyList<string> namespaces, int threads, Func<INamespaceKernel, T> work);

    /// <summary>
    /// Creates a network namespace for each name and runs <paramref name="initialize"/> inside it. A name that
    /// already names a namespace is initialized again (Created false); a name that does not (a half-made name: an
    /// empty file, a foreign mount) is removed and the namespace created.
    /// </summary>
    IReadOnlyList<(bool Created, Exception? Error)> CreateNamespaces(IReadOnlyList<string> names, int threads, Action<INamespaceKernel> initialize);

    /// <summary>
    /// Starts making <paramref name="count"/> network namespaces ahead, unnamed (held only by this process), which
    /// <see cref="CreateNamespaces"/> then names instead of making new ones, until the result is disposed; those not
    /// named by then are freed. Nothing anyone can see on the host changes.
    /// </summary>
    IDisposable MakeNamespacesAhead(int count);

    /// <summary>
    /// Removes the name (unmount and unlink); false when there was none. The kernel frees the namespace once nothing
    /// holds it. <paramref name="inode"/>: the namespace that was mounted on the name, 0 when none was.
    /// </summary>
    bool DeleteNamespace(string name, out ulong inode);

    /// <summary>
    /// What still holds each of the namespaces <paramref name="inodes"/> (from <see cref="DeleteNamespace"/>): processes
    /// and threads in it, descriptors open on it, mount namespaces that still mount it. One not found is absent.
    /// </summary>
    IReadOnlyDictionary<ulong, IReadOnlyList<string>> NamespaceHolders(IReadOnlyCollection<ulong> inodes);
}

/// <summary>What code running inside one namespace may do (on a dedicated thread: no awaits, no processes).</summary>
internal interface INamespaceKernel
{
    /// <summary>The namespace.</summary>
    string Name { get; }

    /// <summary>Sends <paramref name="requests"/> in this namespace, in order; one answer per request.</summary>
    IReadOnlyList<NetlinkResult> Execute(IReadOnlyList<RtnlRequest> requests);

    /// <summary>Links of this namespace.</summary>
    IReadOnlyList<LinkObserved> Links();

    /// <summary>Addresses of this namespace.</summary>
    IReadOnlyList<AddressObserved> Addresses();

    /// <summary>Main-table routes of this namespace.</summary>
    IReadOnlyList<RouteObserved> Routes();

    /// <summary>Reads a sysctl of this namespace (<c>net/ipv4/ip_forward</c>).</summary>
    string ReadSysctl(string key);

    /// <summary>Writes a sysctl of this namespace.</summary>
    void WriteSysctl(string key, string value);
}

/// <summary>
/// A name in <c>/run/netns</c>. <see cref="Mount"/> is <c>nsfs</c> for a network namespace; anything else is a name a
/// crash left half-made (<c>none</c>: an empty file nothing is mounted on) or a mount of something that is not a
/// network namespace (its file system type).
/// </summary>
internal sealed record NetnsEntry(string Name, string Mount)
{
    /// <summary>The mount of a real network namespace.</summary>
    public const string Nsfs = "nsfs";

    /// <summary>The mount of a name that is only an empty file.</summary>
    public const string None = "none";

    /// <summary>True when the name can be entered.</summary>
    public bool IsNamespace => Mount == Nsfs;
}

/// <summary>What a path given as a container's network namespace names (<see cref="ILinuxKernel.ClassifyNamespacePath"/>).</summary>
internal enum NetnsPathKind
{
    /// <summary>A network namespace other than the host's: a container's.</summary>
    Other,

    /// <summary>The host's network namespace.</summary>
    Host,

    /// <summary>Nothing: the path does not exist.</summary>
    Missing,

    /// <summary>A file this process cannot open.</summary>
    Unreadable,

    /// <summary>A file that is not a network namespace (another kind of namespace, a directory, a regular file).</summary>
    NotANetworkNamespace,
}
