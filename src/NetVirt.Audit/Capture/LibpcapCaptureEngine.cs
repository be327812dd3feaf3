using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Model.Errors;

namespace NetVirt.Audit.Capture;

/// <summary>
/// Capture engine over the host's libpcap. Handles are opened on dedicated threads that enter the target network
/// namespaces (<see cref="NetnsThread"/>), so each packet socket is bound there; the handle is then usable from any
/// thread. Requires CAP_NET_RAW (and CAP_SYS_ADMIN to enter other namespaces).
/// </summary>
public sealed class LibpcapCaptureEngine : ICaptureEngine
{
    /// <summary>Loads libpcap; throws <see cref="BackendUnavailableException"/> when no candidate library loads.</summary>
    public LibpcapCaptureEngine()
    {
        LibraryVersion = ReadLibraryVersion();
    }

    /// <summary>The <c>pcap_lib_version()</c> text, e.g. <c>libpcap version 1.10.3 (with TPACKET_V3)</c>.</summary>
    public string LibraryVersion { get; }

    /// <inheritdoc />
    public string Name => LibraryVersion;

    /// <summary>
    /// Returns libpcap's version text. The first call loads the library through the resolver, which throws
    /// <see cref="BackendUnavailableException"/> naming every file it tried when none loads.
    /// </summary>
    public static unsafe string ReadLibraryVersion() =>
        Marshal.PtrToStringUTF8((nint)Interop.Pcap.LibVersion()) ?? "libpcap (unknown version)";

    /// <summary>
    /// How many namespace-hopping threads open handles at once. Opening (and closing) a packet socket waits for an
    /// RCU grace period in the kernel (<c>synchronize_net</c> in <c>packet_set_ring</c> and <c>packet_release</c>),
    /// about 15 ms on a busy host; concurrent waiters share one grace period, so parallel opens cost little more
    /// than one.
    /// </summary>
    public int OpenParallelism { get; init; } = 32;

    /// <inheritdoc />
    public ICaptureHandle Open(string? netns, string interfaceName, CaptureOptions? options = null) =>
        OpenMany([new CaptureTarget(netns, interfaceName)], options)[0];

    /// <inheritdoc />
    public IReadOnlyList<ICaptureHandle> OpenMany(IReadOnlyList<CaptureTarget> targets, CaptureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(OpenParallelism);
        options ??= CaptureOptions.Default;
        options.Validate();
        foreach (var target in targets)
        {
            ArgumentException.ThrowIfNullOrEmpty(target.InterfaceName, nameof(targets));
        }

        var results = new ICaptureHandle?[targets.Count];
        try
        {
            // Targets without a namespace open on the calling thread, in the caller's namespace.
            var namespaced = new List<int>(targets.Count);
            for (var i = 0; i < targets.Count; i++)
            {
                if (targets[i].Netns is null)
                {
                    results[i] = LibpcapCaptureHandle.Open(targets[i], options);
                }
                else
                {
                    namespaced.Add(i);
                }
            }

            OpenInNamespaces(targets, options, namespaced, results);
            return results!;
        }
        catch
        {
            results.DisposeAll();
            throw;
        }
    }

    // Splits the targets over a few groups; each group is opened by its own NetnsThread, which enters the namespaces
    // of its targets in turn. The outer threads only wait: they never call setns themselves.
    private void OpenInNamespaces(IReadOnlyList<CaptureTarget> targets, CaptureOptions options, List<int> namespaced, ICaptureHandle?[] results)
    {
        if (namespaced.Count == 0)
        {
            return;
        }

        var groupCount = Math.Min(OpenParallelism, namespaced.Count);
        var failures = new (int Index, ExceptionDispatchInfo Error)?[groupCount];
        var threads = new Thread[groupCount];
        for (var g = 0; g < groupCount; g++)
        {
            var group = g;
            var mine = namespaced.Where((_, k) => k % groupCount == group).ToList();
            threads[g] = new Thread(() =>
            {
                var next = 0;
                try
                {
                    NetnsThread.RunInEach(mine.Select(i => targets[i].Netns!).ToList(), _ =>
                    {
                        var index = mine[next];
                        results[index] = LibpcapCaptureHandle.Open(targets[index], options);
                        next++;
                        return index;
                    });
                }
                catch (Exception ex)
                {
                    // RunInEach joined its thread, so next names the target that failed.
                    failures[group] = (mine[next], ExceptionDispatchInfo.Capture(ex));
                }
            })
            {
                IsBackground = true,
                Name = "netvirt-capture-open",
            };
            threads[g].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        // Report the failure of the earliest target, whichever group hit it first.
        var first = failures.Where(f => f is not null).MinBy(f => f!.Value.Index);
        first?.Error.Throw();
    }
}
