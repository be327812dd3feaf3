using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Integration.Infrastructure;
using NetVirt.Testing;

namespace NetVirt.Integration.Linux;

/// <summary>
/// Namespaces made ahead (<see cref="SpareNamespaces"/>) are real, distinct network namespaces that only this process
/// holds, by descriptors numbered past FD_SETSIZE; naming takes them instead of making new ones, and what is not
/// taken is freed.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class SpareNamespacesTests
{
    [LinuxRootFact]
    public void NamesTakeSparesFirst_ThenMakeTheirOwn_EachNamespaceDistinct_LeftoversClosed()
    {
        var prefix = TestPrefix.Any();
        var names = Enumerable.Range(0, 12).Select(i => $"{prefix}-z-s{i}").ToList();
        var hostNamespace = Identity("/proc/self/ns/net");
        var descriptorsBefore = Descriptors();
        try
        {
            using var spares = new SpareNamespaces(8);
            // Wait until the thread made all eight (a few milliseconds), so that the test knows what naming takes.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (spares.Ready < 8 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }

            Assert.Equal(8, spares.Ready);
            var held = Descriptors().Except(descriptorsBefore).ToList();
            Assert.Equal(8, held.Count(fd => fd >= 1024 && Target(fd).StartsWith("net:[", StringComparison.Ordinal)));
            Assert.DoesNotContain(held, fd => fd < 1024 && Target(fd).StartsWith("net:[", StringComparison.Ordinal));

            var results = NetnsThread.CreateEach(names[..6], 2, _ => { }, spares);
            Assert.All(results, r => Assert.Equal((true, (Exception?)null), r));
            Assert.Equal(2, spares.Ready);
            // Six taken, two left: the next names take those two and make the other four themselves.
            results = NetnsThread.CreateEach(names[6..], 1, _ => { }, spares);
            Assert.All(results, r => Assert.Equal((true, (Exception?)null), r));
            Assert.Equal(0, spares.Ready);

            var identities = names.Select(n => Identity(NetnsThread.PathOf(n))).ToList();
            Assert.Equal(names.Count, identities.Distinct().Count());
            Assert.DoesNotContain(hostNamespace, identities);
        }
        finally
        {
            foreach (var name in names)
            {
                NetnsMounts.Delete(name);
            }
        }

        // Disposed: no descriptor of a spare is left.
        Assert.DoesNotContain(Descriptors().Except(descriptorsBefore), fd => Target(fd).StartsWith("net:[", StringComparison.Ordinal));
    }

    [LinuxRootFact]
    public void Dispose_ClosesSparesNotTaken_AndStopsMakingMore()
    {
        var before = Descriptors();
        var spares = new SpareNamespaces(100_000);
        Thread.Sleep(20);
        spares.Dispose();
        // The thread notices between two namespaces and ends: far fewer than 100,000 were made.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (SpareThreadRuns() && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(5);
        }

        Assert.False(SpareThreadRuns(), "the thread making spares still runs after Dispose");
        Assert.Equal(0, spares.Ready);
        Assert.Null(spares.TryTake());
        Assert.DoesNotContain(Descriptors().Except(before), fd => Target(fd).StartsWith("net:[", StringComparison.Ordinal));
    }

    // The kernel keeps the first 15 bytes of a thread's name.
    private static bool SpareThreadRuns() =>
        Directory.GetDirectories("/proc/self/task").Any(task => File.Exists($"{task}/comm") && ReadComm(task) == "netvirt-netns-s");

    private static string ReadComm(string task)
    {
        try
        {
            return File.ReadAllText($"{task}/comm").Trim();
        }
        catch (IOException)
        {
            return ""; // the thread ended meanwhile
        }
    }

    private static List<int> Descriptors() =>
        [.. Directory.GetFiles("/proc/self/fd").Select(p => int.Parse(Path.GetFileName(p), System.Globalization.CultureInfo.InvariantCulture))];

    private static string Target(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? "";
        }
        catch (IOException)
        {
            return ""; // closed meanwhile
        }
    }

    // A namespace's identity, as /proc shows it to a thread inside: net:[inode].
    private static string Identity(string path) => path == "/proc/self/ns/net"
        ? new FileInfo(path).LinkTarget!
        : NetnsThread.Run(Path.GetFileName(path), () => new FileInfo("/proc/thread-self/ns/net").LinkTarget!);
}
