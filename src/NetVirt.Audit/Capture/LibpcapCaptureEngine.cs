using System.Runtime.InteropServices;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Model.Errors;

namespace NetVirt.Audit.Capture;

/// <summary>
/// Capture engine over the host's libpcap. Handles are opened on a dedicated thread that enters the target network
/// namespace (<see cref="NetnsThread"/>), so the packet socket is bound there; the handle is then usable from any
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

    /// <inheritdoc />
    public ICaptureHandle Open(string? netns, string interfaceName, CaptureOptions? options = null) =>
        OpenMany([new CaptureTarget(netns, interfaceName)], options)[0];

    /// <inheritdoc />
    public IReadOnlyList<ICaptureHandle> OpenMany(IReadOnlyList<CaptureTarget> targets, CaptureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        options ??= CaptureOptions.Default;
        options.Validate();
        foreach (var target in targets)
        {
            ArgumentException.ThrowIfNullOrEmpty(target.InterfaceName, nameof(targets));
        }

        var results = new ICaptureHandle?[targets.Count];
        try
        {
            // Targets without a namespace open on the calling thread; the rest share one namespace-hopping thread,
            // which costs one setns per target instead of one thread per target.
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

            if (namespaced.Count > 0)
            {
                var next = 0;
                NetnsThread.RunInEach(namespaced.Select(i => targets[i].Netns!).ToList(), _ =>
                {
                    var index = namespaced[next++];
                    results[index] = LibpcapCaptureHandle.Open(targets[index], options);
                    return index;
                });
            }

            return results!;
        }
        catch
        {
            // RunInEach joins its thread before rethrowing, so every handle it opened is visible here.
            foreach (var handle in results)
            {
                handle?.Dispose();
            }

            throw;
        }
    }
}
