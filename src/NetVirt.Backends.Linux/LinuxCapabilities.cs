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
    /// <c>net.ipv4.neigh.default.gc_thresh3</c>: the most ARP entries the kernel keeps. The ARP table is one table for
    /// the whole host, shared by every namespace, and past this limit a zone or router that needs a new entry cannot
    /// reach or answer a peer (null: not known, not checked).
    /// </summary>
    public int? ArpTableLimit { get; init; }

    /// <summary><c>net.ipv6.neigh.default.gc_thresh3</c>: the same for IPv6 neighbour entries (null: not known, not checked).</summary>
    public int? NdTableLimit { get; init; }

    /// <summary>
    /// Entries a VNIC needs in its family's neighbour table: the zone's for its gateway or peer, and the gateway's or
    /// peer's for it.
    /// </summary>
    public const int NeighbourEntriesPerVnic = 2;

    /// <summary>
    /// The value to suggest for a host-wide limit that must hold <paramref name="needed"/>: twice it, for the traffic
    /// around it, rounded up to a power of two. One rule for the plan's messages and for the tests that raise limits.
    /// </summary>
    public static int Suggest(int needed) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(2 * needed));

    /// <summary>The lower of <see cref="ArpTableLimit"/> and <see cref="NdTableLimit"/> (null: neither known).</summary>
    public int? NeighbourTableLimit => ArpTableLimit is { } v4 ? (NdTableLimit is { } v6 ? Math.Min(v4, v6) : v4) : NdTableLimit;

    /// <summary>Reads the running kernel's features: <c>/proc/net/vlan</c> exists once 8021q is loaded or built in, and a module file can be loaded on demand.</summary>
    public static LinuxCapabilities Probe()
    {
        var release = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "";
        var module = release.Length > 0 && Directory.Exists($"/lib/modules/{release}/kernel/net/8021q");
        return new LinuxCapabilities
        {
            Has8021q = Directory.Exists("/proc/net/vlan") || Directory.Exists("/sys/module/8021q") || module,
            NetdevMaxBacklog = Sysctl("net/core/netdev_max_backlog"),
            ArpTableLimit = Sysctl("net/ipv4/neigh/default/gc_thresh3"),
            NdTableLimit = Sysctl("net/ipv6/neigh/default/gc_thresh3"),
        };
    }

    /// <summary>An integer under <c>/proc/sys</c>, or null when absent or not a number.</summary>
    private static int? Sysctl(string key)
    {
        var path = "/proc/sys/" + key;
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
