using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using NetVirt.Backends.Linux.Namespaces;

namespace NetVirt.Bench.LinuxScale;

/// <summary>
/// What it costs the kernel to keep N empty network namespaces alive, two ways, on the same threads: a bind mount of
/// each on a name in <c>/run/netns</c> (as NetVirt and <c>ip netns add</c> do: the namespace outlives every process and
/// anyone finds it by name), and an open file descriptor each, no name (what a long-running holder process would do:
/// no mount at all, but the namespaces die with that process). Times: creating all, and releasing all (unmount and
/// unlink, or close); the kernel frees the namespaces afterwards, in the background.
/// </summary>
internal static class NetnsHolding
{
    private const int CloneNewNet = 0x40000000;

    public static (TimeSpan Create, TimeSpan Release) BindMounts(string prefix, int count, int threads)
    {
        var names = Enumerable.Range(0, count).Select(i => $"{prefix}-z-h{i}").ToList();
        var clock = Stopwatch.StartNew();
        var results = NetnsThread.CreateEach(names, threads, _ => { });
        var create = clock.Elapsed;
        clock.Restart();
        foreach (var name in names)
        {
            NetnsMounts.Delete(name);
        }

        var release = clock.Elapsed;
        if (results.FirstOrDefault(r => r.Error is not null).Error is { } error)
        {
            throw new InvalidOperationException($"netns holding: {error.Message}", error);
        }

        return (create, release);
    }

    public static (TimeSpan Create, TimeSpan Release) FileDescriptors(int count, int threads)
    {
        var handles = new SafeFileHandle?[count];
        var next = -1;
        Exception? failure = null;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Math.Max(1, threads)).Select(_ => new Thread(() =>
        {
            // A dedicated thread: each unshare gives it a new namespace, kept alive by the descriptor only; the thread
            // ends in the last one and exits.
            try
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    if (Backends.Linux.Netlink.Interop.Unshare(CloneNewNet) != 0)
                    {
                        throw new IOException($"unshare(CLONE_NEWNET) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
                    }

                    handles[i] = File.OpenHandle("/proc/thread-self/ns/net");
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }) { IsBackground = true, Name = "netvirt-netns-hold" }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        var create = clock.Elapsed;
        clock.Restart();
        foreach (var handle in handles)
        {
            handle?.Dispose();
        }

        var release = clock.Elapsed;
        return failure is null ? (create, release) : throw new InvalidOperationException($"netns holding: {failure.Message}", failure);
    }
}
