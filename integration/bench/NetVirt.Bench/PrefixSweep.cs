using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NetVirt.Bench;

/// <summary>
/// Removes whatever a benchmark left on the host under its own <c>nvt…</c> prefix (after a failed destroy): the
/// prefix's namespaces (with the veth ends inside them), its links in the host namespace, its nftables table. Never
/// touches a name without the prefix.
/// </summary>
public static class PrefixSweep
{
    private const string Ip = "/usr/sbin/ip";

    /// <summary>Sweeps <paramref name="prefix"/>.</summary>
    public static async Task RunAsync(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var owned = prefix + "-";
        var batch = new StringBuilder();
        foreach (var netns in Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns").Select(Path.GetFileName) : [])
        {
            if (netns!.StartsWith(owned, StringComparison.Ordinal))
            {
                batch.Append(CultureInfo.InvariantCulture, $"netns del {netns}\n");
            }
        }

        await RunAsync(Ip, ["-force", "-batch", "-"], batch.ToString());
        batch.Clear();
        foreach (var line in (await RunAsync(Ip, ["-o", "link", "show"], "")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(": ")[1].Split('@')[0];
            if (name.StartsWith(owned, StringComparison.Ordinal))
            {
                batch.Append(CultureInfo.InvariantCulture, $"link del {name}\n");
            }
        }

        await RunAsync(Ip, ["-force", "-batch", "-"], batch.ToString());
        await RunAsync("/usr/sbin/nft", ["delete", "table", "bridge", prefix], "");
    }

    private static async Task<string> RunAsync(string executable, string[] args, string input)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {executable}");
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await stdout;
    }
}
