using System.Diagnostics;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Integration.Cni;
using NetVirt.Integration.Infrastructure;
using NetVirt.Testing;

namespace NetVirt.Integration.Linux;

/// <summary>
/// A namespace whose name was deleted lives on while something holds it, and a delete step that times out names what
/// (<see cref="NamespaceHolders"/>): here the four holders <c>/proc</c> shows, made for real — a process run in it, a
/// process that bound it onto another file in a mount namespace of its own (as runtimes do; the name itself is
/// detached in every mount namespace when it is unlinked), a descriptor this process keeps open on it, and a thread
/// of this process that entered it. Once they let go, nothing is found.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class NamespaceHoldersTests
{
    [LinuxRootFact]
    public async Task DeletedNamespace_HeldByAProcessAMountNamespaceADescriptorAndAThread_EachIsNamed_ThenNone()
    {
        var name = $"{TestPrefix.Any()}-z-held";
        var path = NetnsThread.PathOf(name);
        (await Tool.RunAsync("/usr/sbin/ip", ["netns", "add", name])).Ok("ip netns add");
        var expected = Interop.FileIdentity(path)!.Value.Inode;
        Process? inside = null, mounts = null;
        Microsoft.Win32.SafeHandles.SafeFileHandle? open = null;
        using var release = new ManualResetEventSlim();
        Thread? thread = null;
        var elsewhere = Path.Combine(Path.GetTempPath(), name);
        try
        {
            inside = Start("/usr/sbin/ip", "netns", "exec", name, "sleep", "120");
            File.WriteAllText(elsewhere, "");
            mounts = Start("/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", $"mount --bind {path} {elsewhere} && exec cat");
            open = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            using var entered = new ManualResetEventSlim();
            thread = new Thread(() =>
            {
                NetnsThread.Enter(name);
                entered.Set();
                release.Wait();
            }) { IsBackground = true, Name = "nvt-holder" };
            thread.Start();
            Assert.True(entered.Wait(TimeSpan.FromSeconds(10)), "the thread did not enter the namespace");
            await UntilAsync(() => NetnsMounts.NetworkNamespaceInode(new FileInfo($"/proc/{inside.Id}/ns/net").LinkTarget) == expected, "sleep entered the namespace");
            await UntilAsync(() => File.ReadAllText($"/proc/{mounts.Id}/comm").Trim() == "cat", "the mount namespace of its own bound the namespace");

            Assert.True(NetnsMounts.Delete(name, out var inode));
            Assert.Equal(expected, inode);
            Assert.False(File.Exists(path));

            var holders = NamespaceHolders.Find([inode]);
            var found = Assert.Single(holders).Value;
            var self = Environment.ProcessId;
            Assert.Contains($"process {inside.Id} (sleep) runs in it", found);
            Assert.Contains($"the mount namespace of process {mounts.Id} (cat) still mounts it on {elsewhere}", found);
            Assert.Contains($"process {self} ({SelfName()}) has it open (descriptor {open.DangerousGetHandle()})", found);
            Assert.Contains(found, h => h.StartsWith("thread ", StringComparison.Ordinal) && h.EndsWith($" (nvt-holder) of process {self} ({SelfName()}) is in it", StringComparison.Ordinal));
            Assert.Equal(4, found.Count);
        }
        finally
        {
            release.Set();
            thread?.Join();
            open?.Dispose();
            foreach (var process in new[] { inside, mounts })
            {
                process?.Kill();
                process?.WaitForExit();
                process?.Dispose();
            }

            NetnsMounts.Delete(name);
            File.Delete(elsewhere);
        }

        // Let go by all four: nothing holds it, and the kernel frees it.
        Assert.Empty(NamespaceHolders.Find([expected]));
    }

    private static string SelfName() => File.ReadAllText("/proc/self/comm").Trim();

    // A holder that runs until killed; stdin stays open so that cat waits.
    private static Process Start(string executable, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"after 10 s, not yet: {what}");
            await Task.Delay(10);
        }
    }
}
