using NetVirt.Audit.Topology;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Model.Addressing;

namespace NetVirt.Audit.Runs;

/// <summary>
/// Reads zone namespaces on Linux without a process per zone: a few <see cref="NetnsThread"/> threads enter the
/// namespaces in turn and list the interfaces' addresses there (getifaddrs, one netlink dump, answers for the calling
/// thread's namespace).
/// </summary>
public sealed class LinuxAuditHost : IAuditHost
{
    private const int Parallelism = 8;
    private const string SysClassNet = "/sys/class/net";

    /// <inheritdoc />
    public int? NeighbourTableLimit => Backends.Linux.LinuxCapabilities.Probe().NeighbourTableLimit;

    /// <inheritdoc />
    public long? AvailableMemory
    {
        get
        {
            // "MemAvailable:   17563420 kB"
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is [_, var kb, "kB"] && long.TryParse(kb, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value * 1024 : null;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> MissingNamespaces(AuditTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return [.. topology.Endpoints.Select(e => e.Netns).Distinct(StringComparer.Ordinal).Where(ns => !File.Exists(NetnsThread.PathOf(ns)))];
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<int, IReadOnlyList<InterfaceAddress>> ConfiguredAddresses(AuditTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var zones = topology.Endpoints.GroupBy(e => e.Netns, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var found = NetnsThread.RunInEachParallel([.. zones.Keys], Parallelism, netns =>
        {
            var interfaces = Interop.Libc.AddressesByInterface();
            return zones[netns].Select(endpoint => (endpoint.Index, Addresses: interfaces.TryGetValue(endpoint.Interface, out var addresses)
                ? (IReadOnlyList<InterfaceAddress>)[.. addresses.Select(a => new InterfaceAddress(a.Address, a.PrefixLength))]
                : [])).ToList();
        });
        var result = new Dictionary<int, IReadOnlyList<InterfaceAddress>>();
        foreach (var (zone, error) in found)
        {
            if (error is not null)
            {
                throw error;
            }

            foreach (var (index, addresses) in zone!)
            {
                result[index] = addresses;
            }
        }

        return result;
    }

    /// <inheritdoc />
    public IReadOnlyList<BridgePort> UnexpectedBridgePorts(AuditTopology topology) =>
        UnexpectedBridgePorts(topology, SysClassNet);

    /// <inheritdoc />
    public IReadOnlyList<string> HostBridges(AuditTopology topology) => HostBridges(topology, SysClassNet);

    /// <summary>
    /// The masters of the endpoints' host ends and of the bridges' expected ports (<c>&lt;root&gt;/&lt;port&gt;/master</c>,
    /// so the leaves of a bridge tree are found where their ports are), and the topology's bridges, each only when it is
    /// a bridge NetVirt made (its <c>ifalias</c> is NetVirt's bridge mark): a port moved onto someone else's bridge does
    /// not make the audit capture there.
    /// </summary>
    public static IReadOnlyList<string> HostBridges(AuditTopology topology, string root)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var candidates = new HashSet<string>(topology.Bridges.Select(b => b.Name), StringComparer.Ordinal);
        var ports = topology.Endpoints.Select(e => e.HostEnd).OfType<string>().Concat(topology.Bridges.SelectMany(b => b.ExpectedPorts));
        foreach (var port in ports.Distinct(StringComparer.Ordinal))
        {
            if (new FileInfo(Path.Combine(root, port, "master")).LinkTarget is { } target && Path.GetFileName(target) is { Length: > 0 } master)
            {
                candidates.Add(master);
            }
        }

        return [.. candidates.Where(b => Directory.Exists(Path.Combine(root, b, "bridge")) && IsNetVirtsBridge(Path.Combine(root, b, "ifalias"))).Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<int, string> PortBridges(AuditTopology topology) => PortBridges(topology, SysClassNet);

    /// <summary>The master of each endpoint's host end (<c>&lt;root&gt;/&lt;host end&gt;/master</c>), where it has one.</summary>
    public static IReadOnlyDictionary<int, string> PortBridges(AuditTopology topology, string root)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var result = new Dictionary<int, string>();
        foreach (var e in topology.Endpoints.Where(e => e.HostEnd is not null))
        {
            if (new FileInfo(Path.Combine(root, e.HostEnd!, "master")).LinkTarget is { } target && Path.GetFileName(target) is { Length: > 0 } master)
            {
                result[e.Index] = master;
            }
        }

        return result;
    }

    private static bool IsNetVirtsBridge(string aliasFile)
    {
        try
        {
            return Backends.Linux.Resources.LinuxNaming.ParseAlias(File.ReadAllText(aliasFile).TrimEnd('\n')) is { Kind: "bridge" };
        }
        catch (IOException)
        {
            return false; // gone while we looked
        }
    }

    /// <summary>
    /// Reads <c>&lt;root&gt;/&lt;bridge&gt;/brif</c> (one entry per port) and each port's <c>ifindex</c> and <c>iflink</c>.
    /// The process's sysfs shows the host namespace, where the bridges live.
    /// </summary>
    public static IReadOnlyList<BridgePort> UnexpectedBridgePorts(AuditTopology topology, string root)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var found = new List<BridgePort>();
        foreach (var bridge in topology.Bridges)
        {
            var brif = Path.Combine(root, bridge.Name, "brif");
            if (!Directory.Exists(brif))
            {
                continue;
            }

            foreach (var port in Directory.GetFileSystemEntries(brif).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
            {
                if (!bridge.ExpectedPorts.Contains(port))
                {
                    var index = ReadInt(Path.Combine(root, port, "ifindex")) ?? 0;
                    found.Add(new BridgePort(port, bridge.Name, bridge.Domain, index, ReadInt(Path.Combine(root, port, "iflink")) ?? index));
                }
            }
        }

        return found;
    }

    private static int? ReadInt(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (IOException)
        {
            return null; // the port went away while we looked
        }
    }
}
