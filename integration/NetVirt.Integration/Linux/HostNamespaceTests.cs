using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Integration.Cni;
using NetVirt.Integration.Infrastructure;
using NetVirt.Testing;

namespace NetVirt.Integration.Linux;

/// <summary>
/// The kernel tells the host's namespace by its identity, whatever path names it: a CNI ADD whose namespace is the host's
/// is refused on that (LinuxBackend), never realized there.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class HostNamespaceTests
{
    [LinuxRootFact]
    public async Task ContainerNamespacePaths_TheHostsIsKnownByAnyPathThatNamesIt_OthersByWhatTheyAre()
    {
        ILinuxKernel kernel = new LinuxKernel();
        var prefix = TestPrefix.Any();
        var alias = $"{prefix}-host";
        var other = $"{prefix}-z-other";
        try
        {
            // A name in /run/netns mounted on this process's namespace, as 'ip netns attach' makes one.
            (await Tool.RunAsync("/usr/sbin/ip", ["netns", "attach", alias, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])).Ok("ip netns attach");
            (await Tool.RunAsync("/usr/sbin/ip", ["netns", "add", other])).Ok("ip netns add");

            Assert.Equal(NetnsPathKind.Host, kernel.ClassifyNamespacePath("/proc/self/ns/net"));
            Assert.Equal(NetnsPathKind.Host, kernel.ClassifyNamespacePath("/proc/thread-self/ns/net"));
            Assert.Equal(NetnsPathKind.Host, kernel.ClassifyNamespacePath($"/proc/{Environment.ProcessId}/ns/net"));
            Assert.Equal(NetnsPathKind.Host, kernel.ClassifyNamespacePath(NetnsThread.PathOf(alias)));

            Assert.Equal(NetnsPathKind.Other, kernel.ClassifyNamespacePath(NetnsThread.PathOf(other)));
            Assert.Equal(NetnsPathKind.NotANetworkNamespace, kernel.ClassifyNamespacePath("/proc/self/ns/mnt"));
            Assert.Equal(NetnsPathKind.NotANetworkNamespace, kernel.ClassifyNamespacePath("/etc/hostname"));
            Assert.Equal(NetnsPathKind.NotANetworkNamespace, kernel.ClassifyNamespacePath("/tmp"));
            Assert.Equal(NetnsPathKind.Missing, kernel.ClassifyNamespacePath($"/run/netns/{prefix}-missing"));
        }
        finally
        {
            NetnsMounts.Delete(alias);
            NetnsMounts.Delete(other);
        }

        Assert.False(File.Exists(NetnsThread.PathOf(alias)));
        Assert.False(File.Exists(NetnsThread.PathOf(other)));
    }
}
