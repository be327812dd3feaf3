using System.Diagnostics;
using NetVirt.Integration.Infrastructure;
using NetVirt.Model.Addressing;
using NetVirt.Testing;

namespace NetVirt.Integration.Audit;

/// <summary>
/// Two throwaway network namespaces <c>&lt;prefix&gt;-a</c> and <c>&lt;prefix&gt;-b</c> joined by a veth pair
/// (<c>&lt;prefix&gt;a</c> in A, <c>&lt;prefix&gt;b</c> in B) with fixed MACs, both ends up. Deleting the namespaces
/// deletes the veth ends, so disposal is one command per namespace, and it runs also when setup failed half-way.
/// </summary>
public sealed class NamespacePair : IAsyncDisposable
{
    public static readonly MacAddress MacA = MacAddress.Parse("02:00:5e:10:00:0a");
    public static readonly MacAddress MacB = MacAddress.Parse("02:00:5e:10:00:0b");

    private NamespacePair(string prefix)
    {
        Prefix = prefix;
    }

    public string Prefix { get; }

    public string NetnsA => Prefix + "-a";

    public string NetnsB => Prefix + "-b";

    public string InterfaceA => Prefix + "a";

    public string InterfaceB => Prefix + "b";

    public static async Task<NamespacePair> CreateAsync()
    {
        Prerequisites.EnsureAvailable();
        var pair = new NamespacePair(TestPrefix.Any());
        try
        {
            foreach (var netns in new[] { pair.NetnsA, pair.NetnsB })
            {
                await IpAsync("netns", "add", netns);

                // No IPv6 on these links: router solicitations and MLD reports would only add noise to the captures.
                await IpAsync("netns", "exec", netns, "/usr/sbin/sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1", "net.ipv6.conf.all.disable_ipv6=1");
            }

            await IpAsync(
                "link", "add", pair.InterfaceA, "netns", pair.NetnsA, "address", MacA.ToString(), "type", "veth",
                "peer", "name", pair.InterfaceB, "netns", pair.NetnsB, "address", MacB.ToString());
            foreach (var (netns, link) in new[] { (pair.NetnsA, pair.InterfaceA), (pair.NetnsB, pair.InterfaceB) })
            {
                await IpAsync("-n", netns, "link", "set", link, "up");
            }

            return pair;
        }
        catch (Exception ex)
        {
            var state = await DescribeAsync(pair);
            await pair.DisposeAsync();
            throw new InvalidOperationException($"setting up namespaces {pair.NetnsA}/{pair.NetnsB} failed: {ex.Message}\n{state}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await TryIpAsync("netns", "del", NetnsA);
        await TryIpAsync("netns", "del", NetnsB);
    }

    public static async Task<string> IpAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync("/usr/sbin/ip", args);
        if (exit != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed (exit {exit}): {stderr.Trim()}");
        }

        return stdout;
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string executable, params string[] args)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["LC_ALL"] = "C" },
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task TryIpAsync(params string[] args) => await RunAsync("/usr/sbin/ip", args);

    private static async Task<string> DescribeAsync(NamespacePair pair)
    {
        var a = await RunAsync("/usr/sbin/ip", "-n", pair.NetnsA, "-d", "link");
        var b = await RunAsync("/usr/sbin/ip", "-n", pair.NetnsB, "-d", "link");
        return $"ip -n {pair.NetnsA} -d link:\n{a.Stdout}{a.Stderr}\nip -n {pair.NetnsB} -d link:\n{b.Stdout}{b.Stderr}";
    }
}
