using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NetVirt.Integration.Infrastructure;

/// <summary>
/// What privileged tests need from the host, probed once. Under <c>CI=true</c> or
/// <c>NETVIRT_REQUIRE_PRIVILEGED=1</c> a missing prerequisite fails the test instead of skipping it.
/// </summary>
public static partial class Prerequisites
{
    private static readonly Lazy<string?> MissingLazy = new(Probe);

    /// <summary>Why privileged tests cannot run here, or null when they can.</summary>
    public static string? Missing => MissingLazy.Value;

    /// <summary>True when a missing prerequisite must fail the run (CI) rather than skip.</summary>
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("NETVIRT_REQUIRE_PRIVILEGED") == "1";

    /// <summary>Throws with a clear message when prerequisites are missing (called by fixtures in CI mode).</summary>
    public static void EnsureAvailable()
    {
        if (Missing is { } why)
        {
            throw new InvalidOperationException($"privileged integration test cannot run: {why}");
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }

        if (Geteuid() != 0)
        {
            return "not running as root (euid != 0)";
        }

        foreach (var tool in new[] { "/usr/sbin/ip", "/usr/sbin/tc", "/usr/sbin/nft" })
        {
            if (!File.Exists(tool))
            {
                return $"{tool} is missing (install iproute2 and nftables)";
            }
        }

        if (!NativeLibrary.TryLoad("libpcap.so.0.8", out var pcap) && !NativeLibrary.TryLoad("libpcap.so.1", out pcap))
        {
            return "libpcap is missing (install libpcap0.8)";
        }

        NativeLibrary.Free(pcap);
        try
        {
            // Both pipes are read before waiting: with thousands of namespaces on a shared host, 'ip netns list' writes
            // more than a pipe holds and would block forever on a reader that waits first.
            using var p = Process.Start(new ProcessStartInfo("/usr/sbin/ip", "netns list") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var error = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                return $"'ip netns list' failed: {error.Result.Trim()}";
            }
        }
        catch (Exception ex)
        {
            return $"cannot run ip: {ex.Message}";
        }

        return null;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint Geteuid();
}
