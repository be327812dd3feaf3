using System.Text.Json;

namespace NetVirt.Integration.Cni;

/// <summary>What a runtime test leaves behind when it fails half-way: links and namespaces of its prefix, mounts under its folder.</summary>
public static class Sweep
{
    /// <summary>Deletes host links and /run/netns names that start with <paramref name="prefix"/> (the test's own, never another's).</summary>
    public static async Task PrefixAsync(string prefix)
    {
        var links = await Tool.RunAsync("/usr/sbin/ip", ["-j", "link", "show"]);
        if (links.ExitCode == 0)
        {
            foreach (var link in JsonDocument.Parse(links.Stdout).RootElement.EnumerateArray())
            {
                if (link.GetProperty("ifname").GetString() is { } name && name.StartsWith(prefix + "-", StringComparison.Ordinal))
                {
                    await Tool.RunAsync("/usr/sbin/ip", ["link", "del", name]);
                }
            }
        }

        foreach (var netns in System.IO.Directory.Exists("/run/netns") ? System.IO.Directory.GetFiles("/run/netns") : [])
        {
            if (Path.GetFileName(netns).StartsWith(prefix + "-", StringComparison.Ordinal))
            {
                await Tool.RunAsync("/usr/sbin/ip", ["netns", "del", Path.GetFileName(netns)]);
            }
        }

        await Tool.RunAsync("/usr/sbin/nft", ["delete", "table", "bridge", prefix]);
    }

    /// <summary>Unmounts everything mounted under <paramref name="directory"/> (a runtime's leftovers), deepest first.</summary>
    public static async Task MountsUnderAsync(string directory)
    {
        var mounts = (await File.ReadAllLinesAsync("/proc/self/mounts"))
            .Select(l => l.Split(' ')[1].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(m => m.StartsWith(directory + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.Length);
        foreach (var mount in mounts)
        {
            await Tool.RunAsync("/usr/bin/umount", ["-l", mount]);
        }
    }
}
