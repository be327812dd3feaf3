using System.Diagnostics;
using System.Globalization;
using System.Text;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Bench.LinuxApply;
using NetVirt.Integration.Audit;
using NetVirt.Integration.Infrastructure;
using NetVirt.Planning.Plans;
using NetVirt.Testing;
using Xunit.Abstractions;

namespace NetVirt.Integration.Linux;

/// <summary>
/// kill -9 on this host. <c>netvirt</c> (the built CLI) runs as a child process with a test prefix and a temporary
/// database, and is killed with SIGKILL at random instants of an apply and of a destroy of 200 zones; after each kill
/// the next apply must succeed and <c>drift</c> must exit 0, and the last destroy must leave nothing with the prefix.
/// Also each crash state the hostile pass found, made by hand: a zone's name in /run/netns that is no namespace,
/// bridges gone under their zones, an extra element in an owned set.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Kills = 10;

    [LinuxRootFact]
    public async Task Cli200Zones_KilledAtRandomInstantsOfApplyAndDestroy_NextApplyConvergesAndDestroyLeavesNothing()
    {
        Prerequisites.EnsureAvailable();
        using var cli = new Cli(TestPrefix.Any());
        try
        {
            await File.WriteAllTextAsync(cli.Model, LinuxApplyBenchmark.Model(200));
            // A clean apply and destroy first: how long each changes the host once it has started to (an apply until it
            // exits: its last changes are inside namespaces; a destroy until it has removed its last namespace name, after
            // which only the kernel's own cleanup is left).
            var apply = (await cli.TimedAsync(["apply", "-f", cli.Model, "--auto-approve"])).UntilExit;
            var destroy = (await cli.TimedAsync(["destroy", "--auto-approve"])).UntilNamesGone;
            output.WriteLine($"clean apply: {apply.TotalSeconds:F2} s from its first change to its end; destroy: {destroy.TotalSeconds:F3} s from its first change to its last namespace removed");
            var random = new Random(Environment.TickCount);
            for (var round = 1; round <= Kills; round++)
            {
                var applyAt = TimeSpan.FromMilliseconds(random.NextDouble() * apply.TotalMilliseconds);
                var left = await cli.KillAsync(["apply", "-f", cli.Model, "--auto-approve"], applyAt);
                output.WriteLine($"round {round}: apply killed {applyAt.TotalMilliseconds:F0} ms after its first change, leaving {left}");
                await cli.ConvergeAsync($"round {round}, after the killed apply");

                var destroyAt = TimeSpan.FromMilliseconds(random.NextDouble() * destroy.TotalMilliseconds);
                left = await cli.KillAsync(["destroy", "--auto-approve"], destroyAt);
                output.WriteLine($"round {round}: destroy killed {destroyAt.TotalMilliseconds:F0} ms after its first change, leaving {left}");
                await cli.ConvergeAsync($"round {round}, after the killed destroy");
            }

            // Every killed run reads as interrupted, none as running.
            var history = await cli.RunAsync(["history", "--output", "json"]);
            Assert.DoesNotContain("\"running\"", history.Stdout, StringComparison.Ordinal);
            Assert.Contains("\"interrupted\"", history.Stdout, StringComparison.Ordinal);
            var end = await cli.RunAsync(["destroy", "--auto-approve"]);
            Assert.True(end.Exit == 0, end.Stdout + end.Stderr);
            Assert.Empty(await cli.LeftoversAsync());
        }
        finally
        {
            await LinuxLab.SweepAsync(cli.Prefix);
        }
    }

    [LinuxRootFact]
    public async Task Apply_ZoneNamesThatAreNoNamespaces_ReplacesThemAndConverges()
    {
        await using var lab = await LinuxLab.CreateAsync();
        NetnsMounts.EnsureRunDirectory();
        // What a kill between creating the name and mounting the namespace on it leaves, and a mount of something else.
        await File.WriteAllTextAsync(NetnsThread.PathOf(lab.Netns("acme-web1")), "");
        var other = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-not-a-namespace");
        await File.WriteAllTextAsync(other, "data");
        await File.WriteAllTextAsync(NetnsThread.PathOf(lab.Netns("acme-web2")), "");
        Assert.Equal(0, (await NamespacePair.RunAsync("/usr/bin/mount", "--bind", other, NetnsThread.PathOf(lab.Netns("acme-web2")))).ExitCode);
        try
        {
            var report = await lab.ApplyAsync();
            Assert.True(report.Succeeded, report.Error);
            var (_, drift) = await lab.Reconciler.DriftAsync(CancellationToken.None);
            Assert.Empty(drift);
            Assert.True(await lab.PingAsync("acme-web1", lab.AddressOf("acme-web2")));
            Assert.Equal("data", await File.ReadAllTextAsync(other));
        }
        finally
        {
            File.Delete(other);
        }
    }

    [LinuxRootFact]
    public async Task Destroy_AZoneNameThatIsAnEmptyFile_RemovesIt()
    {
        await using var lab = await LinuxLab.CreateAsync();
        Assert.True((await lab.ApplyAsync()).Succeeded);
        await File.WriteAllTextAsync(NetnsThread.PathOf(lab.Netns("gone")), "");

        var (_, report) = await lab.Reconciler.DestroyAsync(new(), null, CancellationToken.None);

        Assert.True(report!.Succeeded, report.Error);
        Assert.Empty(await lab.LeftoversAsync());
    }

    [LinuxRootFact]
    public async Task Apply_BridgesGoneUnderTheirZones_CreatesThemFirstAndConverges()
    {
        // What a destroy killed after its bridge deletions and before the zones' leaves.
        await using var lab = await LinuxLab.CreateAsync();
        Assert.True((await lab.ApplyAsync()).Succeeded);
        var links = await NamespacePair.RunAsync("/usr/sbin/ip", "-o", "link", "show", "type", "bridge");
        foreach (var bridge in links.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ")[1]).Where(n => n.StartsWith(lab.Prefix + "-", StringComparison.Ordinal)))
        {
            Assert.Equal(0, (await NamespacePair.RunAsync("/usr/sbin/ip", "link", "delete", bridge)).ExitCode);
        }

        var report = await lab.ApplyAsync();

        Assert.True(report.Succeeded, report.Error);
        Assert.Empty((await lab.Reconciler.DriftAsync(CancellationToken.None)).Drift);
        Assert.True(await lab.PingAsync("acme-web1", lab.AddressOf("acme-web2")));
    }

    [LinuxRootFact]
    public async Task Apply_ExtraElementInAnOwnedSet_DeletesItAndConverges()
    {
        await using var lab = await LinuxLab.CreateAsync();
        Assert.True((await lab.ApplyAsync()).Succeeded);
        Assert.Equal(0, (await NamespacePair.RunAsync("/usr/sbin/nft", "add", "element", "bridge", lab.Prefix, "macs", "{ \"x\" . 02:00:00:00:00:99 }")).ExitCode);

        var (plan, _) = await lab.Reconciler.DriftAsync(CancellationToken.None);
        var report = await lab.ApplyAsync();

        Assert.Equal("protection -/x", Assert.Single(plan.Plan.Steps).Resource.ToString());
        Assert.True(report.Succeeded, report.Error);
        Assert.Empty((await lab.Reconciler.DriftAsync(CancellationToken.None)).Drift);
        var listing = await NamespacePair.RunAsync("/usr/sbin/nft", "list", "set", "bridge", lab.Prefix, "macs");
        Assert.DoesNotContain("02:00:00:00:00:99", listing.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The CLI as a child process with a prefix and a database of its own.</summary>
    private sealed class Cli(string prefix) : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("netvirt-kill-");

        public string Prefix { get; } = prefix;

        public string Model => Path.Combine(_directory.FullName, "zones.yaml");

        private string Database => Path.Combine(_directory.FullName, "netvirt.db");

        public void Dispose() => _directory.Delete(recursive: true);

        public async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] args)
        {
            using var process = Start(args);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout, await stderr);
        }

        /// <summary>Runs to the end; returns how long after its first change to the host no namespace of the prefix was left, and it exited.</summary>
        public async Task<(TimeSpan UntilNamesGone, TimeSpan UntilExit)> TimedAsync(string[] args)
        {
            using var process = Start(args);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var before = await SignatureAsync();
            var clock = Stopwatch.StartNew();
            TimeSpan? first = null;
            TimeSpan? namesGone = null;
            while (!process.HasExited)
            {
                if (first is null && await SignatureAsync() != before)
                {
                    first = clock.Elapsed;
                }

                if (first is not null && namesGone is null && !NetnsMounts.List().Any(n => n.StartsWith(Prefix + "-", StringComparison.Ordinal)))
                {
                    namesGone = clock.Elapsed;
                }

                await Task.Delay(1);
            }

            Assert.True(process.ExitCode == 0, $"netvirt {string.Join(' ', args)}: exit {process.ExitCode}\n{await stdout}\n{await stderr}");
            var start = first ?? TimeSpan.Zero;
            return ((namesGone ?? clock.Elapsed) - start, clock.Elapsed - start);
        }

        /// <summary>Starts the command, waits for its first change to the host, then <paramref name="after"/>, and kills it (SIGKILL).</summary>
        public async Task<string> KillAsync(string[] args, TimeSpan after)
        {
            using var process = Start(args);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var before = await SignatureAsync();
            while (!process.HasExited && await SignatureAsync() == before)
            {
                await Task.Delay(2);
            }

            await Task.Delay(after);
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            await Task.WhenAll(stdout, stderr);
            return await SignatureAsync();
        }

        /// <summary>The next apply succeeds and drift finds nothing.</summary>
        public async Task ConvergeAsync(string because)
        {
            var apply = await RunAsync(["apply", "-f", Model, "--auto-approve"]);
            Assert.True(apply.Exit == 0, $"{because}: apply exit {apply.Exit}\n{Tail(apply.Stdout)}\n{apply.Stderr}");
            var drift = await RunAsync(["drift"]);
            Assert.True(drift.Exit == 0, $"{because}: drift exit {drift.Exit}\n{Tail(drift.Stdout)}\n{drift.Stderr}");
        }

        /// <summary>Namespaces, links and the table with the prefix.</summary>
        public async Task<IReadOnlyList<string>> LeftoversAsync()
        {
            var left = NetnsMounts.List().Where(n => n.StartsWith(Prefix + "-", StringComparison.Ordinal)).Select(n => "netns " + n).ToList();
            var links = await NamespacePair.RunAsync("/usr/sbin/ip", "-o", "link", "show");
            left.AddRange(links.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ")[1].Split('@')[0])
                .Where(n => n.StartsWith(Prefix + "-", StringComparison.Ordinal)).Select(n => "link " + n));
            var tables = await NamespacePair.RunAsync("/usr/sbin/nft", "list", "tables");
            left.AddRange(tables.Stdout.Split('\n').Where(t => t.Trim() == $"table bridge {Prefix}").Select(t => t.Trim()));
            return left;
        }

        // How many namespaces and links carry the prefix: changes as soon as a run changes the host.
        private async Task<string> SignatureAsync()
        {
            var namespaces = NetnsMounts.List().Count(n => n.StartsWith(Prefix + "-", StringComparison.Ordinal));
            var links = File.ReadAllLines("/proc/net/dev").Count(l => l.TrimStart().StartsWith(Prefix + "-", StringComparison.Ordinal));
            await Task.CompletedTask;
            return string.Create(CultureInfo.InvariantCulture, $"{namespaces} namespaces, {links} links");
        }

        private Process Start(string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netvirt.dll"));
            start.ArgumentList.Add("--db");
            start.ArgumentList.Add(Database);
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["NETVIRT_PREFIX"] = Prefix;
            return Process.Start(start) ?? throw new InvalidOperationException("cannot start netvirt");
        }

        private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;
    }
}
