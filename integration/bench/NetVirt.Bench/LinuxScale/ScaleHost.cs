using System.Diagnostics;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Namespaces;

namespace NetVirt.Bench.LinuxScale;

/// <summary>
/// The host side of the scale benchmarks: a fresh test prefix per run, and the sweep that removes everything with it
/// (also after a failed or interrupted run). Reads /run/netns and /sys/class/net, whose listings cost the kernel
/// nothing per namespace (a netlink dump of the host's links does: see the Linux backend README).
/// </summary>
internal static class ScaleHost
{
    /// <summary>The names in /run/netns with the prefix.</summary>
    public static List<string> Namespaces(string prefix) => [.. NetnsMounts.List().Where(n => n.StartsWith(prefix + "-", StringComparison.Ordinal))];

    /// <summary>The host interfaces with the prefix.</summary>
    public static List<string> Links(string prefix) =>
        [.. Directory.EnumerateDirectories("/sys/class/net").Select(Path.GetFileName).OfType<string>().Where(n => n.StartsWith(prefix + "-", StringComparison.Ordinal))];

    /// <summary>Waits until no host interface of the prefix matches <paramref name="which"/>.</summary>
    public static async Task WaitForLinksAsync(string prefix, Func<string, bool> which, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Links(prefix).Any(which))
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"host interfaces of {prefix} still there after {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>True when nothing with the prefix is left (namespaces, interfaces, the table).</summary>
    public static async Task<bool> IsCleanAsync(string prefix) =>
        Namespaces(prefix).Count == 0 && Links(prefix).Count == 0
        && !(await new ProcessCommandRunner().RunAsync(CommandSpec.Of("/usr/sbin/nft", "list", "table", "bridge", prefix), CancellationToken.None)).Succeeded;

    /// <summary>Removes every namespace, interface and the nftables table of the prefix (a test prefix only).</summary>
    public static async Task SweepAsync(string prefix)
    {
        if (!prefix.StartsWith("nvt", StringComparison.Ordinal))
        {
            throw new ArgumentException($"refusing to sweep '{prefix}': not a test prefix", nameof(prefix));
        }

        foreach (var name in Namespaces(prefix))
        {
            NetnsMounts.Delete(name);
        }

        // Bridges and strays are deleted; veth pairs go with their namespaces (or are deleted here first: either way).
        for (var attempt = 0; attempt < 3 && Links(prefix) is { Count: > 0 } links; attempt++)
        {
            LinuxKernel.Instance.Execute([.. links.Select(l => new DeleteLinkRequest(l))]);
            try
            {
                await WaitForLinksAsync(prefix, _ => true, TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
            }
        }

        await new ProcessCommandRunner().RunAsync(CommandSpec.Of("/usr/sbin/nft", "delete", "table", "bridge", prefix), CancellationToken.None);
    }
}
