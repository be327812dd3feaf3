using System.Globalization;
using NetVirt.Backends.Linux;
using NetVirt.Backends.Linux.Rendering;

namespace NetVirt.Testing;

/// <summary>
/// Host-wide kernel limits that many zones need and a Linux plan refuses to go past (LinuxRenderer): the receive
/// backlog a bridge's flood waits in, and the ARP and IPv6 neighbour tables, one of each for the whole host. Raised for a
/// test's or a benchmark's run as the plan tells an operator to, never lowered, and put back on dispose. Compiled into
/// the bench project, which the integration tests reference.
/// </summary>
public sealed class HostLimits : IDisposable
{
    private const string Backlog = "/proc/sys/net/core/netdev_max_backlog";

    private readonly List<(string Path, string Value)> _restore = [];

    private HostLimits()
    {
    }

    /// <summary>What was raised, one line per sysctl ("" when nothing was).</summary>
    public string Raised { get; private set; } = "";

    /// <summary>
    /// Raises what <paramref name="vnics"/> VNICs with addresses of both families need in the neighbour tables and, when
    /// <paramref name="flooded"/> &gt; 0, a backlog that holds a flood to that many ports: the plan's rules and the
    /// values it suggests (<see cref="LinuxCapabilities"/>).
    /// </summary>
    public static HostLimits AtLeast(int vnics, int flooded = 0)
    {
        var limits = new HostLimits();
        if (flooded > 0)
        {
            limits.Raise(Backlog, flooded, LinuxCapabilities.Suggest(flooded));
        }

        foreach (var family in new[] { "ipv4", "ipv6" })
        {
            var table = $"/proc/sys/net/{family}/neigh/default/";
            var needed = LinuxCapabilities.NeighbourEntriesPerVnic * vnics;
            var suggested = LinuxCapabilities.Suggest(needed);
            if (limits.Raise(table + "gc_thresh3", needed, suggested))
            {
                // Forced collection starts at gc_thresh2: half the table, as the plan suggests.
                limits.Raise(table + "gc_thresh2", suggested / 2, suggested / 2);
            }
        }

        return limits;
    }

    /// <summary>
    /// <see cref="AtLeast"/> for <paramref name="zones"/> zones with one VNIC each spread evenly over
    /// <paramref name="networks"/> networks, the backlog raised when a flood in the largest domain reaches more than
    /// 1,000 ports. The ports a flood reaches, as the renderer counts them: the VNICs, the router's leg, both ends of
    /// each trunk (a domain of more than <see cref="BridgeTreeLimits.FlatPorts"/> ports is a tree of leaves of about
    /// <see cref="BridgeTreeLimits.LeafTarget"/> VNICs), less the sender. 10 VLANs of 1,000 zones are 1,001 ports each, a
    /// two-leaf tree whose floods reach 1,004.
    /// </summary>
    public static HostLimits ForNetworks(int zones, int networks)
    {
        var tree = BridgeTreeLimits.Default;
        var largestDomain = (zones + networks - 1) / networks;
        var leaves = largestDomain + 1 > tree.FlatPorts ? (largestDomain + tree.LeafTarget - 1) / tree.LeafTarget : 0;
        var flooded = largestDomain + (2 * leaves);
        return AtLeast(zones, flooded > 1000 ? flooded : 0);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (path, value) in Enumerable.Reverse(_restore))
        {
            File.WriteAllText(path, value);
        }

        _restore.Clear();
    }

    // Sets path to value when it holds less than needed; true when it did.
    private bool Raise(string path, int needed, int value)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        var current = File.ReadAllText(path).Trim();
        if (int.Parse(current, CultureInfo.InvariantCulture) >= needed)
        {
            return false;
        }

        File.WriteAllText(path, value.ToString(CultureInfo.InvariantCulture));
        _restore.Add((path, current));
        Raised += $"{path["/proc/sys/".Length..].Replace('/', '.')} {current} -> {value}\n";
        return true;
    }
}
