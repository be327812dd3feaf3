using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Integration.Cni;
using NetVirt.Integration.Infrastructure;
using NetVirt.Testing;

namespace NetVirt.Integration.Linux;

/// <summary>
/// Sysctls are read and written through a private procfs instance per thread (<see cref="Sysctl"/>), replaced every
/// <see cref="Sysctl.UsesPerInstance"/> files: each value still lands in the namespace the thread is in, as the host's
/// <c>/proc</c> and <c>sysctl</c> inside the namespace see it.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class SysctlTests
{
    [LinuxRootFact]
    public async Task WritesOnOneThread_AcrossMoreNamespacesThanAnInstanceServes_EachLandInItsOwnNamespace()
    {
        var prefix = TestPrefix.Any();
        // Enough namespaces for the thread to replace its instance several times (two files per namespace).
        var names = Enumerable.Range(0, Sysctl.UsesPerInstance + 7).Select(i => $"{prefix}-z-s{i}").ToList();
        try
        {
            var results = NetnsThread.CreateEach(names, threads: 1, name =>
            {
                var value = (names.IndexOf(name) % 5).ToString(System.Globalization.CultureInfo.InvariantCulture);
                Sysctl.Write("net/ipv6/conf/default/router_solicitations", value);
                Assert.Equal(value, Sysctl.Read("net/ipv6/conf/default/router_solicitations"));
            });
            Assert.All(results, r => Assert.Null(r.Error));
            Assert.True(Sysctl.PrivateInstances, "this kernel refused fsopen(\"proc\"): the host's /proc/sys served");

            foreach (var i in new[] { 0, 1, Sysctl.UsesPerInstance / 2, Sysctl.UsesPerInstance + 6 })
            {
                var shown = (await Tool.RunAsync("/usr/sbin/ip", ["netns", "exec", names[i], "sysctl", "-n", "net.ipv6.conf.default.router_solicitations"])).Ok("sysctl").Stdout.Trim();
                Assert.Equal((i % 5).ToString(System.Globalization.CultureInfo.InvariantCulture), shown);
            }

            // A key that does not exist says which, as the host's /proc would.
            var missing = Assert.Throws<FileNotFoundException>(() => NetnsThread.Run(names[0], () => Sysctl.Read("net/ipv6/conf/nosuchif/accept_dad")));
            Assert.Contains("/proc/sys/net/ipv6/conf/nosuchif/accept_dad", missing.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var name in names)
            {
                NetnsMounts.Delete(name);
            }
        }

        Assert.All(names, n => Assert.False(File.Exists(NetnsThread.PathOf(n))));
    }
}
