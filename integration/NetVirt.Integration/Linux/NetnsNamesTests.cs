using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Integration.Cni;
using NetVirt.Integration.Infrastructure;
using NetVirt.Testing;

namespace NetVirt.Integration.Linux;

/// <summary>
/// The names NetVirt gives its namespaces in <c>/run/netns</c> are hard links to one file per thread (the inode is
/// what costs on a disk-backed <c>/run</c>): each name still holds its own namespace, and <c>ip netns</c> lists,
/// enters and deletes them as its own.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class NetnsNamesTests
{
    [LinuxRootFact]
    public async Task NamesOfOneBatch_ShareOneFile_EachHoldsItsOwnNamespace_AndIpNetnsUsesThem()
    {
        var prefix = TestPrefix.Any();
        var names = Enumerable.Range(0, 3).Select(i => $"{prefix}-z-n{i}").ToList();
        try
        {
            var results = NetnsThread.CreateEach(names, threads: 1, _ => { });
            Assert.All(results, r => Assert.Null(r.Error));
            Assert.All(results, r => Assert.True(r.Created));

            // Three namespaces, not one: each name enters its own.
            var identities = names.Select(n => NetnsThread.Run(n, () => File.ResolveLinkTarget("/proc/thread-self/ns/net", returnFinalTarget: false)!.FullName)).ToList();
            Assert.Equal(3, identities.Distinct().Count());

            // iproute2 lists them, runs a command in one, and deletes one.
            var listed = (await Tool.RunAsync("/usr/sbin/ip", ["netns", "list"])).Ok("ip netns list").Stdout;
            Assert.All(names, n => Assert.Contains(n, listed, StringComparison.Ordinal));
            Assert.Contains("lo", (await Tool.RunAsync("/usr/sbin/ip", ["netns", "exec", names[0], "ip", "-o", "link", "show"])).Ok("ip netns exec").Stdout, StringComparison.Ordinal);
            (await Tool.RunAsync("/usr/sbin/ip", ["netns", "delete", names[2]])).Ok("ip netns delete");
            Assert.False(File.Exists(NetnsThread.PathOf(names[2])));

            // Under the mounts, the names are one file: unmounted, the two left show the same inode.
            foreach (var name in names.Take(2))
            {
                (await Tool.RunAsync("umount", [NetnsThread.PathOf(name)])).Ok("umount");
            }

            Assert.Equal(await InodeAsync(NetnsThread.PathOf(names[0])), await InodeAsync(NetnsThread.PathOf(names[1])));
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

    private static async Task<string> InodeAsync(string path) => (await Tool.RunAsync("stat", ["-c", "%d:%i", path])).Ok("stat").Stdout.Trim();
}
