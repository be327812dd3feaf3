using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Model.Errors;
using SharpPcap;
using SharpPcap.LibPcap;

namespace NetVirt.Audit.Capture;

/// <summary>
/// Capture engine over SharpPcap. A device is enumerated and opened on a dedicated thread that has entered the target
/// network namespace (<see cref="NetnsThread"/>), so its packet socket is bound there; the open handle is then used
/// from any thread. Requires CAP_NET_RAW (and CAP_SYS_ADMIN to enter other namespaces).
/// </summary>
public sealed class SharpPcapCaptureEngine : ICaptureEngine
{
    /// <summary>Loads libpcap through SharpPcap; throws <see cref="BackendUnavailableException"/> when it cannot.</summary>
    public SharpPcapCaptureEngine()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            throw new BackendUnavailableException("the capture engine runs on 64-bit Linux (network namespaces, packet sockets, the 64-bit pcap_pkthdr)");
        }

        try
        {
            Name = $"SharpPcap {typeof(Pcap).Assembly.GetName().Version?.ToString(3)} over {Pcap.Version}";
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new BackendUnavailableException($"libpcap could not be loaded (install libpcap0.8): {ex.GetBaseException().Message}", ex);
        }
    }

    /// <inheritdoc />
    public string Name { get; }

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
            // Targets without a namespace open on the calling thread, in the caller's namespace, enumerated once.
            var namespaced = new List<int>(targets.Count);
            var own = new ConcurrentDictionary<string, PcapInterface>(StringComparer.Ordinal);
            for (var i = 0; i < targets.Count; i++)
            {
                if (targets[i].Netns is null)
                {
                    results[i] = SharpPcapCaptureHandle.Open(targets[i], options, own);
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
    // of its targets in turn, enumerates the devices there and opens its target. The outer threads only wait.
    private void OpenInNamespaces(IReadOnlyList<CaptureTarget> targets, CaptureOptions options, List<int> namespaced, ICaptureHandle?[] results)
    {
        if (namespaced.Count == 0)
        {
            return;
        }

        // Enumerate once, in the first target's namespace, before the groups start: the audit's zones all name their
        // VNIC net0, so one list serves them all. A group enumerates its own namespace only for a name it lacks.
        var known = new ConcurrentDictionary<string, PcapInterface>(StringComparer.Ordinal);
        NetnsThread.Run(targets[namespaced[0]].Netns!, () => SharpPcapCaptureHandle.Enumerate(targets[namespaced[0]], known));
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
                        results[index] = SharpPcapCaptureHandle.Open(targets[index], options, known);
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
