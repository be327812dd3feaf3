using System.Reflection;
using System.Runtime.InteropServices;
using NetVirt.Model.Errors;

namespace NetVirt.Audit;

/// <summary>
/// Maps the logical name <c>libpcap</c> to the file this host has. Distributions ship the same library as
/// <c>libpcap.so.1</c> (upstream soname), <c>libpcap.so.0.8</c> (Debian/Ubuntu libpcap0.8) or only the development
/// symlink <c>libpcap.so</c>.
/// </summary>
internal static class PcapLibrary
{
    /// <summary>File names tried, in order.</summary>
    internal static readonly IReadOnlyList<string> CandidateNames = ["libpcap.so.1", "libpcap.so.0.8", "libpcap.so"];

    private static readonly Lock Gate = new();
    private static bool resolverRegistered;

    /// <summary>Installs the resolver for this assembly once; called from the libpcap stubs' static constructor.</summary>
    internal static void RegisterResolver()
    {
        lock (Gate)
        {
            if (!resolverRegistered)
            {
                NativeLibrary.SetDllImportResolver(typeof(PcapLibrary).Assembly, Resolve);
                resolverRegistered = true;
            }
        }
    }

    /// <summary>
    /// Loads the first candidate that exists or throws <see cref="BackendUnavailableException"/> naming every file
    /// tried and why each failed. The runtime caches what the resolver returns, so this runs once per process.
    /// </summary>
    internal static nint LoadFirst(IReadOnlyList<string> candidates)
    {
        var failures = new List<string>(candidates.Count);
        foreach (var name in candidates)
        {
            try
            {
                return NativeLibrary.Load(name);
            }
            catch (DllNotFoundException ex)
            {
                failures.Add($"{name} ({ex.Message})");
            }
        }

        throw new BackendUnavailableException(
            $"load libpcap failed: tried {string.Join(", ", candidates)}; install libpcap (Debian/Ubuntu: libpcap0.8). "
            + $"Details: {string.Join("; ", failures)}");
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        string.Equals(libraryName, Interop.Pcap.Library, StringComparison.Ordinal) ? LoadFirst(CandidateNames) : 0;
}
