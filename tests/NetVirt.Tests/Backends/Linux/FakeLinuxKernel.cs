using System.Globalization;
using System.Net;
using System.Text;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Model.Addressing;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>
/// A Linux host behind the Linux backend's seams (<see cref="ILinuxKernel"/>, <see cref="INftables"/>,
/// <see cref="ITrafficControl"/>), as the simulated illumos host is behind the illumos backend's command runner. It
/// keeps namespaces (named in a fake <c>/run/netns</c>, where a name can be half-made: an empty file, or a mount of
/// something else), links with their peers, masters, aliases, MTUs and MACs, addresses, routes, sysctls, the nftables
/// tables and the tc qdiscs, and answers requests with the kernel's errnos (EEXIST, ENODEV, EINVAL for a veth peer sent
/// to a name that is not a namespace, ...). Every change is one mutation; <see cref="DieAfter"/> makes the kernel stop
/// the process after a number of mutations (kill -9: nothing after it reaches the host), and <see cref="Clone"/> forks
/// the host so that a test can restart "the next process" from any point. <see cref="Snapshot"/> prints everything in
/// a fixed order for comparisons.
/// </summary>
public sealed partial class FakeLinuxKernel : ILinuxKernel, INftables, ITrafficControl
{
    private const int EPERM = 1;
    private const int ENOENT = 2;
    private const int ESRCH = 3;
    private const int EEXIST = 17;
    private const int ENODEV = 19;
    private const int EINVAL = 22;
    private const int ENETUNREACH = 101;
    private const int EXFULL = 54;
    private const int EADDRNOTAVAIL = 99;
    private const int EOPNOTSUPP = 95;

    private readonly Lock _gate = new();
    private readonly Netns _host = new("(host)");
    private readonly SortedDictionary<string, NameEntry> _names = new(StringComparer.Ordinal);
    private int _nextIndex = 100;
    private long? _dieAfter;

    /// <summary>Ports a bridge takes (the kernel's <c>BR_MAX_PORTS</c> less port 0); the next one fails with EXFULL.</summary>
    public int BridgePorts { get; set; } = 1023;

    /// <summary>Changes made so far.</summary>
    public long Mutations { get; private set; }

    /// <summary>True once the kernel stopped the process (<see cref="DieAfter"/>).</summary>
    public bool Dead { get; private set; }

    /// <summary>Stops the process after <paramref name="mutations"/> more changes: every later call throws and changes nothing.</summary>
    public void DieAfter(long mutations) => _dieAfter = Mutations + mutations;

    /// <summary>A new process on the same host.</summary>
    public void Restart()
    {
        lock (_gate)
        {
            Dead = false;
            _dieAfter = null;
        }
    }

    // ---- ILinuxKernel ----------------------------------------------------------------------------------------

    IReadOnlyList<NetnsEntry> ILinuxKernel.Namespaces()
    {
        lock (_gate)
        {
            Alive();
            return [.. _names.Values.Select(n => new NetnsEntry(n.Name, n.Mount))];
        }
    }

    IReadOnlyList<LinkObserved> ILinuxKernel.HostLinks()
    {
        lock (_gate)
        {
            Alive();
            // As the real host's are read (from sysfs, not a dump): no peer namespace id.
            return [.. Dump(_host).Select(l => l with { LinkNetnsId = null })];
        }
    }

    IReadOnlyList<AddressObserved> ILinuxKernel.HostAddresses()
    {
        lock (_gate)
        {
            Alive();
            return [.. _host.Addresses.Select(a => new AddressObserved(a.Index, a.Address, Rtnl.RT_SCOPE_UNIVERSE, 0))];
        }
    }

    IReadOnlyList<NeighbourObserved> ILinuxKernel.HostNeighbours()
    {
        lock (_gate)
        {
            Alive();
            var entries = new List<NeighbourObserved>();
            foreach (var link in _host.Links.Values.OrderBy(l => l.Index))
            {
                // As the kernel dumps them: a port's own MAC as the bridge's permanent local entry, the device's own
                // (self) entries with their destination, the bridge's static entries, then permanent neighbours.
                if (link.Master != 0)
                {
                    entries.Add(new NeighbourObserved(Rtnl.AF_BRIDGE, link.Index, Rtnl.NUD_PERMANENT, 0, link.Mac, null, link.Master));
                }

                entries.AddRange(link.SelfFdb.OrderBy(e => e.Key).Select(e => new NeighbourObserved(Rtnl.AF_BRIDGE, link.Index, Rtnl.NUD_PERMANENT, Rtnl.NTF_SELF, e.Key, e.Value, 0)));
                entries.AddRange(link.BridgeFdb.Order().Select(m => new NeighbourObserved(Rtnl.AF_BRIDGE, link.Index, Rtnl.NUD_NOARP, 0, m, null, link.Master)));
                entries.AddRange(link.Neighbours.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal).Select(e => new NeighbourObserved(
                    e.Key.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? Rtnl.AF_INET : Rtnl.AF_INET6, link.Index, Rtnl.NUD_PERMANENT, 0, e.Value, e.Key, 0)));
            }

            return entries;
        }
    }

    IReadOnlyList<(string Name, string? Alias)> ILinuxKernel.HostLinkAliases(string prefix)
    {
        lock (_gate)
        {
            Alive();
            return [.. _host.Links.Values.Where(l => l.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(l => (l.Name, l.Alias)),
                .. _unregistering.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Select(n => (n, (string?)ILinuxKernel.AliasOfUnregisteringLink))];
        }
    }

    // Host links being removed: their alias cannot be read, and they are there for so many more HasHostLink questions.
    private readonly Dictionary<string, int> _unregistering = new(StringComparer.Ordinal);

    /// <summary>How many times the host was asked whether a link being removed is still there.</summary>
    public int UnregisteringAsked { get; private set; }

    /// <summary>A host link on its way out (as sysfs shows it right after its namespace was deleted), gone after <paramref name="questions"/> questions.</summary>
    public void AddUnregisteringHostLink(string name, int questions)
    {
        lock (_gate)
        {
            _unregistering[name] = questions;
        }
    }

    bool ILinuxKernel.HasHostLink(string name)
    {
        lock (_gate)
        {
            Alive();
            if (_unregistering.TryGetValue(name, out var left))
            {
                UnregisteringAsked++;
                if (left <= 1)
                {
                    _unregistering.Remove(name);
                }
                else
                {
                    _unregistering[name] = left - 1;
                }

                return true;
            }

            return _host.Find(name) is not null;
        }
    }

    IReadOnlyList<NetlinkResult> ILinuxKernel.Execute(IReadOnlyList<RtnlRequest> requests) => Execute(_host, requests);

    IReadOnlyList<(T? Result, Exception? Error)> ILinuxKernel.InEach<T>(IReadOnlyList<string> namespaces, int threads, Func<INamespaceKernel, T> work) where T : default
    {
        var results = new (T? Result, Exception? Error)[namespaces.Count];
        for (var i = 0; i < namespaces.Count; i++)
        {
            try
            {
                results[i] = (work(Enter(namespaces[i])), null);
            }
            catch (Exception ex) when (ex is not KernelDeadException)
            {
                results[i] = (default, ex);
            }
        }

        return results;
    }

    IReadOnlyList<(bool Created, Exception? Error)> ILinuxKernel.CreateNamespaces(IReadOnlyList<string> names, int threads, Action<INamespaceKernel> initialize)
    {
        var results = new (bool Created, Exception? Error)[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            try
            {
                bool created;
                lock (_gate)
                {
                    Alive();
                    created = !(_names.TryGetValue(name, out var entry) && entry.Namespace is not null);
                    if (created)
                    {
                        if (_names.ContainsKey(name))
                        {
                            // A half-made name: unmounted and removed first, as NetnsThread does.
                            RemoveName(name);
                        }

                        // As ip netns add: the file first, then the mount.
                        Mutate();
                        _names[name] = new NameEntry(name, NetnsEntry.None, null);
                        Mutate();
                        _names[name] = new NameEntry(name, NetnsEntry.Nsfs, new Netns(name) { Loopback = NewLoopback() });
                    }
                }

                initialize(Enter(name));
                results[i] = (created, null);
            }
            catch (Exception ex) when (ex is not KernelDeadException)
            {
                results[i] = (false, ex);
            }
        }

        return results;
    }

    /// <summary>How many namespaces were asked for ahead (<see cref="ILinuxKernel.MakeNamespacesAhead"/>), and how many of those asks are still held.</summary>
    public (int Asked, int Held) NamespacesAhead { get; private set; }

    IDisposable ILinuxKernel.MakeNamespacesAhead(int count)
    {
        lock (_gate)
        {
            NamespacesAhead = (NamespacesAhead.Asked + count, NamespacesAhead.Held + 1);
        }

        return new Released(() =>
        {
            lock (_gate)
            {
                NamespacesAhead = (NamespacesAhead.Asked, NamespacesAhead.Held - 1);
            }
        });
    }

    private sealed class Released(Action release) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                release();
            }
        }
    }

    bool ILinuxKernel.DeleteNamespace(string name, out ulong inode)
    {
        lock (_gate)
        {
            Alive();
            inode = 0;
            if (!_names.TryGetValue(name, out var entry))
            {
                return false;
            }

            inode = entry.Namespace?.Inode ?? 0;
            RemoveName(name);
            return true;
        }
    }

    IReadOnlyDictionary<ulong, IReadOnlyList<string>> ILinuxKernel.NamespaceHolders(IReadOnlyCollection<ulong> inodes)
    {
        lock (_gate)
        {
            return _held.Values.Where(h => h.Holder is not null && inodes.Contains(h.Namespace.Inode))
                .ToDictionary(h => h.Namespace.Inode, h => (IReadOnlyList<string>)[h.Holder!]);
        }
    }

    // Namespaces something outside holds: their names can be removed, but they and their interfaces stay.
    private readonly Dictionary<string, (Netns Namespace, string? Holder)> _held = new(StringComparer.Ordinal);

    /// <summary>
    /// Something outside holds the namespace named <paramref name="name"/>: <paramref name="holder"/> as /proc would
    /// describe it, or null for what /proc does not show (a socket made in it).
    /// </summary>
    public void HoldNamespace(string name, string? holder)
    {
        lock (_gate)
        {
            _held[name] = (_names[name].Namespace!, holder);
        }
    }

    // Unmount (the namespace and its interfaces go, veth peers elsewhere with them), then unlink: two mutations.
    private void RemoveName(string name)
    {
        var entry = _names[name];
        if (entry.Mount != NetnsEntry.None)
        {
            Mutate();
            if (entry.Namespace is { } ns && !(_held.TryGetValue(name, out var held) && held.Namespace == ns))
            {
                foreach (var link in ns.Links.Values.ToList())
                {
                    Destroy(link);
                }
            }

            _names[name] = entry with { Mount = NetnsEntry.None, Namespace = null };
        }

        Mutate();
        _names.Remove(name);
    }

    // ---- test helpers: what a crash or an operator leaves behind -----------------------------------------------

    /// <summary>Leaves a name in /run/netns that is only an empty file (a crash between creating it and mounting on it).</summary>
    public void AddEmptyName(string name)
    {
        lock (_gate)
        {
            _names[name] = new NameEntry(name, NetnsEntry.None, null);
        }
    }

    /// <summary>Mounts something that is not a network namespace on a name in /run/netns.</summary>
    public void AddForeignMount(string name, string fileSystem = "ext4")
    {
        lock (_gate)
        {
            _names[name] = new NameEntry(name, fileSystem, null);
        }
    }

    /// <summary>Creates a link in the host namespace as an operator would (a foreign port, a physical link).</summary>
    public void AddHostLink(string name, string? kind = null, int mtu = 1500, string? master = null, string? alias = null)
    {
        lock (_gate)
        {
            var link = NewLink(_host, name, kind, mtu);
            link.Alias = alias;
            link.Up = true;
            if (master is not null)
            {
                link.Master = _host.Find(master)!.Index;
            }
        }
    }

    /// <summary>Puts an address on a host link by hand (a host's underlay address).</summary>
    public void AddHostAddress(string name, InterfaceAddress address)
    {
        lock (_gate)
        {
            _host.Addresses.Add((_host.Find(name)!.Index, address));
        }
    }

    /// <summary>Adds a forwarding entry to a host link's own table by hand (a stale entry an operator left).</summary>
    public void AddSelfFdb(string name, MacAddress mac, IPAddress destination)
    {
        lock (_gate)
        {
            _host.Find(name)!.SelfFdb[mac] = destination;
        }
    }

    /// <summary>Sets a host link's MTU by hand.</summary>
    public void SetMtu(string name, int mtu)
    {
        lock (_gate)
        {
            _host.Find(name)!.Mtu = mtu;
        }
    }

    /// <summary>The host's bridges.</summary>
    public IReadOnlyList<string> BridgeNames()
    {
        lock (_gate)
        {
            return [.. _host.Links.Values.Where(l => l.Kind == "bridge").Select(l => l.Name)];
        }
    }

    /// <summary>The ports of a host bridge.</summary>
    public IReadOnlyList<string> PortsOf(string bridge)
    {
        lock (_gate)
        {
            var index = _host.Find(bridge)?.Index ?? -1;
            return [.. _host.Links.Values.Where(l => l.Master == index).Select(l => l.Name)];
        }
    }

    /// <summary>A sysctl of namespace <paramref name="netns"/> as last written, or null when never written.</summary>
    public string? SysctlIn(string netns, string key)
    {
        lock (_gate)
        {
            return _names.TryGetValue(netns, out var entry) ? entry.Namespace?.Sysctls.GetValueOrDefault(key) : null;
        }
    }

    /// <summary>The master (bridge) of a host link, or null.</summary>
    public string? MasterOf(string name)
    {
        lock (_gate)
        {
            var link = _host.Find(name);
            return link is null || link.Master == 0 ? null : _host.Links.GetValueOrDefault(link.Master)?.Name;
        }
    }

    /// <summary>True when the host link <paramref name="name"/> is up.</summary>
    public bool IsHostLinkUp(string name)
    {
        lock (_gate)
        {
            return _host.Find(name)?.Up == true;
        }
    }

    /// <summary>What paths name for <see cref="ILinuxKernel.ClassifyNamespacePath"/>; any other path names a container's namespace.</summary>
    internal Dictionary<string, NetnsPathKind> NamespacePaths { get; } = new(StringComparer.Ordinal)
    {
        ["/proc/self/ns/net"] = NetnsPathKind.Host,
        ["/proc/1/ns/net"] = NetnsPathKind.Host,
    };

    /// <inheritdoc />
    NetnsPathKind ILinuxKernel.ClassifyNamespacePath(string path) => NamespacePaths.GetValueOrDefault(path, NetnsPathKind.Other);

    /// <summary>True when the host namespace has a link called <paramref name="name"/>.</summary>
    public bool HasHostLink(string name)
    {
        lock (_gate)
        {
            return _host.Find(name) is not null;
        }
    }

    /// <summary>Names in /run/netns.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_gate)
            {
                return [.. _names.Keys];
            }
        }
    }

    // ---- netlink -------------------------------------------------------------------------------------------

    private IReadOnlyList<NetlinkResult> Execute(Netns ns, IReadOnlyList<RtnlRequest> requests)
    {
        lock (_gate)
        {
            Alive();
            var results = new NetlinkResult[requests.Count];
            for (var i = 0; i < requests.Count; i++)
            {
                Mutate();
                results[i] = Apply(ns, requests[i]);
            }

            return results;
        }
    }

    private NetlinkResult Apply(Netns ns, RtnlRequest request)
    {
        switch (request)
        {
            case CreateLinkRequest r:
            {
                if (ns.Find(r.Name) is not null)
                {
                    return Error(EEXIST, "File exists");
                }

                NewLink(ns, r.Name, r.Kind, r.Mtu ?? 1500);
                return Ok;
            }

            case CreateVethRequest r:
            {
                if (ns.Find(r.Master) is not { } master)
                {
                    return Error(ENODEV, $"interface '{r.Master}' does not exist");
                }

                if (Full(ns, master))
                {
                    return Error(EXFULL, "Exchange full");
                }

                Netns peerNs;
                if (r.PeerNetns is null)
                {
                    // A trunk: both ends here.
                    peerNs = ns;
                }
                else if (!_names.TryGetValue(r.PeerNetns, out var entry))
                {
                    return Error(ENOENT, $"network namespace '{r.PeerNetns}' does not exist");
                }
                else if (entry.Namespace is not { } inside)
                {
                    // A descriptor of an empty file or of another file system is no namespace.
                    return Error(EINVAL, "Invalid argument");
                }
                else
                {
                    peerNs = inside;
                }

                if (ns.Find(r.HostEnd) is not null || peerNs.Find(r.Peer) is not null)
                {
                    return Error(EEXIST, "File exists");
                }

                var host = NewLink(ns, r.HostEnd, "veth", r.Mtu);
                host.Master = master.Index;
                var peer = NewLink(peerNs, r.Peer, "veth", r.Mtu);
                if (r.PeerMac is { } mac)
                {
                    peer.Mac = mac;
                    peer.MacSet = true;
                }

                host.Peer = peer;
                peer.Peer = host;
                return Ok;
            }

            case CreateMacvlanRequest r:
            {
                if (ns.Find(r.Lower) is not { } lower)
                {
                    return Error(ENODEV, $"interface '{r.Lower}' does not exist");
                }

                if (!_names.TryGetValue(r.Netns, out var entry))
                {
                    return Error(ENOENT, $"network namespace '{r.Netns}' does not exist");
                }

                if (entry.Namespace is not { } target)
                {
                    return Error(EINVAL, "Invalid argument");
                }

                if (target.Find(r.Name) is not null)
                {
                    return Error(EEXIST, "File exists");
                }

                var link = NewLink(target, r.Name, "macvlan", r.Mtu);
                link.Mac = r.Mac;
                link.MacSet = true;
                link.Lower = lower;
                link.Up = true;
                return Ok;
            }

            case CreateVxlanRequest r:
            {
                if (ns.Find(r.Master) is not { Kind: "bridge" } master)
                {
                    return Error(ENODEV, $"interface '{r.Master}' does not exist");
                }

                if (ns.Find(r.Name) is not null)
                {
                    return Error(EEXIST, "File exists");
                }

                var link = NewLink(ns, r.Name, "vxlan", r.Mtu);
                link.Master = master.Index;
                link.Vxlan = new VxlanObserved(r.Vni, r.Local, r.Port, Learning: false, Proxy: true);
                link.PortLearning = true;
                return Ok;
            }

            case FdbRequest r:
            {
                if (ns.Find(r.Device) is not { } link)
                {
                    return Error(ENODEV, $"interface '{r.Device}' does not exist");
                }

                if (r.Self)
                {
                    if (link.Kind != "vxlan")
                    {
                        return Error(EINVAL, "Invalid argument");
                    }

                    if (r.Add)
                    {
                        link.SelfFdb[r.Mac] = r.Destination!;
                        return Ok;
                    }

                    return link.SelfFdb.TryGetValue(r.Mac, out var dst) && (r.Destination is null || dst.Equals(r.Destination)) && link.SelfFdb.Remove(r.Mac) ? Ok : Error(ENOENT, "No such file or directory");
                }

                if (link.Master == 0)
                {
                    return Error(EINVAL, "Invalid argument");
                }

                if (r.Add)
                {
                    link.BridgeFdb.Add(r.Mac);
                    return Ok;
                }

                return link.BridgeFdb.Remove(r.Mac) ? Ok : Error(ENOENT, "No such file or directory");
            }

            case NeighbourRequest r:
            {
                if (ns.Find(r.Device) is not { } link)
                {
                    return Error(ENODEV, $"interface '{r.Device}' does not exist");
                }

                if (r.Add)
                {
                    link.Neighbours[r.Address] = r.Mac;
                    return Ok;
                }

                return link.Neighbours.Remove(r.Address) ? Ok : Error(ENOENT, "No such file or directory");
            }

            case SetLinkRequest r:
            {
                if (ns.Find(r.Name) is not { } link)
                {
                    return Error(ENODEV, "No such device");
                }

                if (r.BridgeLearning is { } learning)
                {
                    // Port attributes go to the bridge the link is on before this request.
                    if (link.Master == 0)
                    {
                        return Error(EOPNOTSUPP, "Operation not supported");
                    }

                    link.PortLearning = learning;
                }

                if (r.Master is { Length: > 0 } masterName && ns.Find(masterName) is not { Kind: "bridge" })
                {
                    return Error(ENODEV, $"interface '{masterName}' does not exist");
                }

                if (r.Master is { Length: > 0 } bridgeName && ns.Find(bridgeName)!.Index != link.Master && Full(ns, ns.Find(bridgeName)!))
                {
                    return Error(EXFULL, "Exchange full");
                }

                link.Alias = r.Alias ?? link.Alias;
                var before = link.Master;
                link.Master = r.Master is null ? link.Master : r.Master.Length == 0 ? 0 : ns.Find(r.Master)!.Index;
                if (link.Master != before)
                {
                    // A new port learns (the kernel's default); the old bridge's entries for it are gone.
                    link.PortLearning = link.Master == 0 ? null : true;
                    link.BridgeFdb.Clear();
                }

                link.Mtu = r.Mtu ?? link.Mtu;
                if (r.Mac is { } mac)
                {
                    link.Mac = mac;
                    link.MacSet = true;
                }

                link.Up = (link.Up || r.Up) && !r.Down;
                return Ok;
            }

            case DeleteLinkRequest r:
            {
                if (ns.Find(r.Name) is not { } link)
                {
                    return Error(ENODEV, "No such device");
                }

                Destroy(link);
                return Ok;
            }

            case AddressRequest r:
            {
                if (ns.Find(r.Interface) is not { } link)
                {
                    return Error(ENODEV, $"interface '{r.Interface}' does not exist");
                }

                var existing = ns.Addresses.FindIndex(a => a.Index == link.Index && a.Address.Equals(r.Address));
                if (r.Add)
                {
                    if (existing >= 0)
                    {
                        return Error(EEXIST, "File exists");
                    }

                    ns.Addresses.Add((link.Index, r.Address));
                    return Ok;
                }

                if (existing < 0)
                {
                    return Error(EADDRNOTAVAIL, "Cannot assign requested address");
                }

                ns.Addresses.RemoveAt(existing);
                return Ok;
            }

            case RouteRequest r:
            {
                var existing = ns.Routes.FindIndex(x => x.Destination.Equals(r.Destination));
                if (r.Verb == RouteVerb.Delete)
                {
                    if (existing < 0)
                    {
                        return Error(ESRCH, "No such process");
                    }

                    ns.Routes.RemoveAt(existing);
                    return Ok;
                }

                if (r.Verb == RouteVerb.Add && existing >= 0)
                {
                    return Error(EEXIST, "File exists");
                }

                var through = ns.Addresses.FindIndex(a => a.Address.Network.Contains(r.Gateway) && ns.Links.ContainsKey(a.Index));
                if (through < 0)
                {
                    return Error(ENETUNREACH, "Network is unreachable");
                }

                var via = ns.Addresses[through];
                if (existing >= 0)
                {
                    ns.Routes.RemoveAt(existing);
                }

                ns.Routes.Add(new Route(r.Destination, r.Gateway, via.Index));
                return Ok;
            }

            default:
                return Error(EPERM, "unknown request");
        }
    }

    private static NetlinkResult Ok => new(0, null);

    private static NetlinkResult Error(int errno, string message) => new(errno, message);

    private Link NewLink(Netns ns, string name, string? kind, int mtu)
    {
        var index = _nextIndex++;
        var link = new Link
        {
            Index = index,
            Name = name,
            Kind = kind,
            Mtu = mtu,
            Mac = new MacAddress(0x0a0000000000UL + (ulong)index),
            Owner = ns,
        };
        ns.Add(link);
        return link;
    }

    private static Link NewLoopback() => new() { Index = 1, Name = "lo", Mtu = 65536 };

    // A link goes with its veth peer, its macvlans, its tc state; its ports lose their master.
    private void Destroy(Link link)
    {
        if (!link.Owner!.Remove(link))
        {
            return;
        }

        _tc.Remove(link.Name);
        foreach (var port in link.Owner.Links.Values.Where(l => l.Master == link.Index))
        {
            port.Master = 0;
            port.PortLearning = null;
            port.BridgeFdb.Clear();
        }

        link.Owner.Addresses.RemoveAll(a => a.Index == link.Index);
        link.Owner.Routes.RemoveAll(r => r.Index == link.Index);
        if (link.Peer is { } peer)
        {
            link.Peer = null;
            peer.Peer = null;
            Destroy(peer);
        }

        foreach (var upper in AllLinks().Where(l => l.Lower == link).ToList())
        {
            Destroy(upper);
        }
    }

    private IEnumerable<Link> AllLinks() => _host.Links.Values.Concat(_names.Values.Where(n => n.Namespace is not null).SelectMany(n => n.Namespace!.Links.Values));

    private bool Full(Netns ns, Link bridge) => ns.Links.Values.Count(l => l.Master == bridge.Index) >= BridgePorts;

    private static List<LinkObserved> Dump(Netns ns) =>
        [.. ns.AllLinks().OrderBy(l => l.Index).Select(l => new LinkObserved(l.Index, l.Name)
        {
            Flags = l.Up ? Rtnl.IFF_UP : 0,
            Mtu = l.Mtu,
            Mac = l.Name == "lo" ? null : l.Mac,
            Master = l.Master,
            Alias = l.Alias,
            Kind = l.Kind,
            Link = l.Peer?.Index ?? l.Lower?.Index ?? 0,
            LinkNetnsId = (l.Peer ?? l.Lower) is { } other && other.Owner != ns ? 0 : (int?)null,
            Vxlan = l.Vxlan,
            PortLearning = l.Master == 0 ? null : l.PortLearning ?? true,
        })];

    private NamespaceKernel Enter(string name)
    {
        lock (_gate)
        {
            Alive();
            if (!_names.TryGetValue(name, out var entry))
            {
                throw new IOException($"setns into network namespace '{name}' failed: No such file or directory (errno 2)");
            }

            return entry.Namespace is { } ns
                ? new NamespaceKernel(this, ns)
                : throw new IOException($"setns into network namespace '{name}' failed: Invalid argument (errno 22)");
        }
    }

    // ---- the process dies --------------------------------------------------------------------------------------

    private void Alive()
    {
        if (Dead)
        {
            throw new KernelDeadException();
        }
    }

    private void Mutate()
    {
        Alive();
        if (_dieAfter is { } limit && Mutations >= limit)
        {
            Dead = true;
            throw new KernelDeadException();
        }

        Mutations++;
    }

    /// <summary>What the process sees once it has been killed: nothing it does reaches the host any more.</summary>
    public sealed class KernelDeadException() : Exception("the process was killed (fake kernel)");

    // ---- snapshot and clone ----------------------------------------------------------------------------------

    /// <summary>
    /// Everything the host holds, one object per line in a fixed order, without interface indexes or MACs the kernel
    /// chose: two hosts built by different runs to the same state print the same text.
    /// </summary>
    public string Snapshot()
    {
        lock (_gate)
        {
            var text = new StringBuilder();
            foreach (var entry in _names.Values)
            {
                text.Append(CultureInfo.InvariantCulture, $"name {entry.Name} {entry.Mount}\n");
            }

            Print(text, _host);
            foreach (var entry in _names.Values.Where(e => e.Namespace is not null))
            {
                Print(text, entry.Namespace!);
            }

            PrintNft(text);
            PrintTc(text);
            return text.ToString();
        }
    }

    private static void Print(StringBuilder text, Netns ns)
    {
        foreach (var l in ns.AllLinks().OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            var master = l.Master == 0 ? "" : ns.Links.GetValueOrDefault(l.Master)?.Name ?? "?";
            var peer = l.Peer is { } p ? $"{p.Owner!.Name}/{p.Name}" : l.Lower is { } lower ? $"{lower.Owner!.Name}/{lower.Name}" : "";
            text.Append(CultureInfo.InvariantCulture,
                $"link {ns.Name}/{l.Name} {l.Kind} mtu={l.Mtu} mac={(l.MacSet ? l.Mac.ToString() : "")} master={master} up={l.Up} peer={peer} alias={l.Alias}");
            if (l.Vxlan is { } vx)
            {
                text.Append(CultureInfo.InvariantCulture, $" vni={vx.Vni} local={vx.Local} port={vx.Port} learning={vx.Learning} proxy={vx.Proxy}");
            }

            if (l.Master != 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" port-learning={l.PortLearning ?? true}");
            }

            text.Append('\n');
            foreach (var (mac, dst) in l.SelfFdb.OrderBy(e => e.Key))
            {
                text.Append(CultureInfo.InvariantCulture, $"fdb {ns.Name}/{l.Name} {mac} dst {dst} self\n");
            }

            foreach (var mac in l.BridgeFdb.Order())
            {
                text.Append(CultureInfo.InvariantCulture, $"fdb {ns.Name}/{l.Name} {mac} master {master} static\n");
            }

            foreach (var (address, mac) in l.Neighbours.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"neigh {ns.Name}/{l.Name} {address} lladdr {mac} permanent\n");
            }
        }

        foreach (var (index, address) in ns.Addresses.OrderBy(a => ns.Links[a.Index].Name, StringComparer.Ordinal).ThenBy(a => a.Address.ToString(), StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"address {ns.Name}/{ns.Links[index].Name} {address}\n");
        }

        foreach (var route in ns.Routes.OrderBy(r => r.Destination.ToString(), StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"route {ns.Name} {route.Destination} via {route.Gateway}\n");
        }

        foreach (var (key, value) in ns.Sysctls.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"sysctl {ns.Name} {key}={value}\n");
        }
    }

    /// <summary>A copy of the host: the next process starts from here while this one goes on.</summary>
    public FakeLinuxKernel Clone()
    {
        lock (_gate)
        {
            var copy = new FakeLinuxKernel { _nextIndex = _nextIndex, Mutations = Mutations, BridgePorts = BridgePorts };
            var map = new Dictionary<Link, Link>();
            CopyInto(_host, copy._host, map);
            foreach (var entry in _names.Values)
            {
                Netns? ns = null;
                if (entry.Namespace is { } original)
                {
                    ns = new Netns(original.Name);
                    CopyInto(original, ns, map);
                }

                copy._names[entry.Name] = entry with { Namespace = ns };
            }

            foreach (var (from, to) in map)
            {
                to.Peer = from.Peer is null ? null : map[from.Peer];
                to.Lower = from.Lower is null ? null : map[from.Lower];
            }

            CopyNftAndTc(copy);
            return copy;
        }
    }

    private static void CopyInto(Netns from, Netns to, Dictionary<Link, Link> map)
    {
        foreach (var link in from.AllLinks())
        {
            var copy = link with { Owner = to, Peer = null, Lower = null, SelfFdb = new(link.SelfFdb), BridgeFdb = [.. link.BridgeFdb], Neighbours = new(link.Neighbours) };
            map[link] = copy;
            if (link.Name == "lo" && link == from.Loopback)
            {
                to.Loopback = copy;
            }
            else
            {
                to.Add(copy);
            }
        }

        to.Addresses.AddRange(from.Addresses);
        to.Routes.AddRange(from.Routes);
        foreach (var (key, value) in from.Sysctls)
        {
            to.Sysctls[key] = value;
        }
    }

    // ---- state -----------------------------------------------------------------------------------------------

    private sealed record NameEntry(string Name, string Mount, Netns? Namespace);

    private sealed record Route(IPNetwork Destination, IPAddress Gateway, int Index);

    private sealed class Netns(string name)
    {
        private static long s_lastInode = 4026532000;

        public string Name { get; } = name;

        /// <summary>The namespace's inode number, as nsfs numbers them.</summary>
        public ulong Inode { get; } = (ulong)Interlocked.Increment(ref s_lastInode);

        public Link? Loopback { get; set; }

        public Dictionary<int, Link> Links { get; } = [];

        public Dictionary<string, Link> ByName { get; } = new(StringComparer.Ordinal);

        public List<(int Index, InterfaceAddress Address)> Addresses { get; } = [];

        public List<Route> Routes { get; } = [];

        public Dictionary<string, string> Sysctls { get; } = new(StringComparer.Ordinal);

        public IEnumerable<Link> AllLinks() => Loopback is null ? Links.Values : Links.Values.Prepend(Loopback);

        public Link? Find(string name) => name == "lo" ? Loopback : ByName.GetValueOrDefault(name);

        public void Add(Link link)
        {
            Links[link.Index] = link;
            ByName[link.Name] = link;
        }

        public bool Remove(Link link)
        {
            ByName.Remove(link.Name);
            return Links.Remove(link.Index);
        }
    }

    private sealed record Link
    {
        public int Index { get; init; }

        public required string Name { get; init; }

        public string? Kind { get; init; }

        public int Mtu { get; set; }

        public MacAddress Mac { get; set; }

        public bool MacSet { get; set; }

        public int Master { get; set; }

        public string? Alias { get; set; }

        public bool Up { get; set; }

        public Netns? Owner { get; init; }

        public Link? Peer { get; set; }

        public Link? Lower { get; set; }

        public VxlanObserved? Vxlan { get; set; }

        public bool? PortLearning { get; set; }

        public Dictionary<MacAddress, IPAddress> SelfFdb { get; init; } = [];

        public HashSet<MacAddress> BridgeFdb { get; init; } = [];

        public Dictionary<IPAddress, MacAddress> Neighbours { get; init; } = [];

        // Links are identities, not values.
        public bool Equals(Link? other) => ReferenceEquals(this, other);

        public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
    }

    private sealed class NamespaceKernel(FakeLinuxKernel kernel, Netns ns) : INamespaceKernel
    {
        public string Name => ns.Name;

        public IReadOnlyList<NetlinkResult> Execute(IReadOnlyList<RtnlRequest> requests) => kernel.Execute(ns, requests);

        public IReadOnlyList<LinkObserved> Links()
        {
            lock (kernel._gate)
            {
                kernel.Alive();
                return Dump(ns);
            }
        }

        public IReadOnlyList<AddressObserved> Addresses()
        {
            lock (kernel._gate)
            {
                kernel.Alive();
                return [.. ns.Addresses.Select(a => new AddressObserved(a.Index, a.Address, Rtnl.RT_SCOPE_UNIVERSE, 0))];
            }
        }

        public IReadOnlyList<RouteObserved> Routes()
        {
            lock (kernel._gate)
            {
                kernel.Alive();
                return [.. ns.Routes.Select(r => new RouteObserved(r.Destination, r.Gateway, r.Index, Rtnl.RTPROT_STATIC, Rtnl.RT_SCOPE_UNIVERSE, Rtnl.RTN_UNICAST))];
            }
        }

        public string ReadSysctl(string key)
        {
            lock (kernel._gate)
            {
                kernel.Alive();
                return ns.Sysctls.GetValueOrDefault(key, key.Contains("accept_dad", StringComparison.Ordinal) ? "1" : "0");
            }
        }

        public void WriteSysctl(string key, string value)
        {
            lock (kernel._gate)
            {
                kernel.Mutate();
                ns.Sysctls[key] = value;
            }
        }
    }
}
