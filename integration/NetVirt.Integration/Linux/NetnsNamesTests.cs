using System.Diagnostics;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Integration.Infrastructure;

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
    public void NamesOfOneBatch_ShareOneFile_EachHoldsItsOwnNamespace_AndIpNetnsUsesThem()
    {
        var prefix = TestPrefix.New();
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
            var listed = Run("ip", "netns", "list");
            Assert.All(names, n => Assert.Contains(n, listed, StringComparison.Ordinal));
            Assert.Contains("lo", Run("ip", "netns", "exec", names[0], "ip", "-o", "link", "show"), StringComparison.Ordinal);
            Run("ip", "netns", "delete", names[2]);
            Assert.False(File.Exists(NetnsThread.PathOf(names[2])));

            // Under the mounts, the names are one file: unmounted, the two left show the same inode.
            foreach (var name in names.Take(2))
            {
                Run("umount", NetnsThread.PathOf(name));
            }

            Assert.Equal(Inode(NetnsThread.PathOf(names[0])), Inode(NetnsThread.PathOf(names[1])));
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

    private static string Inode(string path) => Run("stat", "-c", "%d:%i", path).Trim();

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {process.ExitCode}: {error}");
        return output;
    }
}
