using NetVirt.Audit.Runs;

namespace NetVirt.Tests.Audit.Runs;

/// <summary>Which bridges the audit watches on the host's side, read from a sysfs-shaped folder.</summary>
public sealed class HostBridgesTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("netvirt-sysfs-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private void Bridge(string name, string alias)
    {
        Directory.CreateDirectory(Path.Combine(root, name, "bridge"));
        File.WriteAllText(Path.Combine(root, name, "ifalias"), alias + "\n");
    }

    private void Port(string name, string master)
    {
        Directory.CreateDirectory(Path.Combine(root, name));
        File.CreateSymbolicLink(Path.Combine(root, name, "master"), Path.Combine("..", master));
    }

    [Fact]
    public void HostBridges_NetVirtsBridgesAndTheLeavesTheirPortsSitOn_NotSomeoneElsesBridge()
    {
        var topology = AuditModels.Topology();
        var bridges = topology.Bridges.Select(b => b.Name).ToList();
        Assert.True(bridges.Count >= 2);
        var ends = topology.Endpoints.Where(e => e.HostEnd is not null).Select(e => e.HostEnd!).ToList();
        Bridge(bridges[0], $"netvirt bridge {bridges[0]}");
        Bridge("nvt1-leaf", "netvirt bridge nvt1-leaf deployment 00112233445566aa"); // a leaf of a bridge tree
        Bridge("br-other", ""); // someone else's, with one of NetVirt's ports moved onto it
        Port(ends[0], "nvt1-leaf");
        Port(ends[1], "br-other");

        Assert.Equal([.. new[] { bridges[0], "nvt1-leaf" }.Order(StringComparer.Ordinal)], LinuxAuditHost.HostBridges(topology, root));
    }

    [Fact]
    public void PortBridges_TheMasterOfEachHostEndThatHasOne()
    {
        var topology = AuditModels.Topology();
        var withEnds = topology.Endpoints.Where(e => e.HostEnd is not null).ToList();
        Port(withEnds[0].HostEnd!, "nvt1-leaf");
        Port(withEnds[1].HostEnd!, "br-other");
        Directory.CreateDirectory(Path.Combine(root, withEnds[2].HostEnd!)); // on no bridge

        var bridges = LinuxAuditHost.PortBridges(topology, root);

        Assert.Equal(2, bridges.Count);
        Assert.Equal("nvt1-leaf", bridges[withEnds[0].Index]);
        Assert.Equal("br-other", bridges[withEnds[1].Index]);
    }
}
