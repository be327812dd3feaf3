using NetVirt.Backends.Linux;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>The kernel limits the backend and the audit read from /proc/sys (read only).</summary>
public sealed class LinuxCapabilitiesTests
{
    [Fact]
    public void Probe_ReadsTheBacklogAndTheLowerNeighbourTableLimit()
    {
        static int? Read(string key) => File.Exists("/proc/sys/" + key) ? int.Parse(File.ReadAllText("/proc/sys/" + key).Trim(), System.Globalization.CultureInfo.InvariantCulture) : null;
        var probed = LinuxCapabilities.Probe();
        Assert.Equal(Read("net/core/netdev_max_backlog"), probed.NetdevMaxBacklog);
        var (v4, v6) = (Read("net/ipv4/neigh/default/gc_thresh3"), Read("net/ipv6/neigh/default/gc_thresh3"));
        Assert.Equal(v4 is { } a && v6 is { } b ? Math.Min(a, b) : v4 ?? v6, probed.NeighbourTableLimit);
    }
}
