using System.Globalization;

namespace NetVirt.Backends.Linux;

/// <summary>Kernel features the model may need beyond namespaces, bridges and veth pairs. Probed once per backend.</summary>
public sealed record LinuxCapabilities
{
    /// <summary>802.1Q VLAN devices (the <c>8021q</c> module): needed for tagged VNICs over a physical link.</summary>
    public bool Has8021q { get; init; }

    /// <summary>
    /// <c>net.core.netdev_max_backlog</c>: frames one CPU's receive backlog holds. A bridge floods a broadcast or
    /// multicast frame (ARP, IPv6 neighbour discovery) to every other port at once, and each copy a veth delivers waits
    /// in that backlog, so an L2 domain with more ports than this loses frames of every flood (null: not known, not
    /// checked).
    /// </summary>
    public int? NetdevMaxBacklog { get; init; }

    /// <summary>
    /// The most neighbour entries the kernel keeps, ARP or IPv6 whichever is lower (<c>gc_thresh3</c>): one table per
    /// family for the whole host, shared by every namespace (null: not known).
    /// </summary>
    public int? NeighbourTableLimit { get; init; }

    /// <summary>Reads the running kernel's features: <c>/proc/net/vlan</c> exists once 8021q is loaded or built in, and a module file can be loaded on demand.</summary>
    public static LinuxCapabilities Probe()
    {
        var release = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "";
        var module = release.Length > 0 && Directory.Exists($"/lib/modules/{release}/kernel/net/8021q");
        var (v4, v6) = (Sysctl("net/ipv4/neigh/default/gc_thresh3"), Sysctl("net/ipv6/neigh/default/gc_thresh3"));
        return new LinuxCapabilities
        {
            Has8021q = Directory.Exists("/proc/net/vlan") || Directory.Exists("/sys/module/8021q") || module,
            NetdevMaxBacklog = Sysctl("net/core/netdev_max_backlog"),
            NeighbourTableLimit = v4 is null ? v6 : v6 is null ? v4 : Math.Min(v4.Value, v6.Value),
        };
    }

    /// <summary>An integer under <c>/proc/sys</c>, or null when absent or not a number.</summary>
    private static int? Sysctl(string key)
    {
        var path = "/proc/sys/" + key;
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
