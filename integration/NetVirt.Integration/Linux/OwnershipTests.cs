using NetVirt.Backends.Execution;
using NetVirt.Integration.Audit;
using NetVirt.Integration.Infrastructure;
using NetVirt.Planning.Plans;

namespace NetVirt.Integration.Linux;

/// <summary>
/// Ownership tied to the database, on this host: two databases with one prefix (a mistyped <c>--db</c>) never touch
/// each other's objects, every object records its deployment, and what an operator hangs on an owned bridge by hand
/// (a foreign port, another MTU) is drift that apply repairs without deleting anything it does not own.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class OwnershipTests
{
    [LinuxRootFact]
    public async Task SecondDatabaseWithTheSamePrefix_PlansNothingAgainstTheFirst_AndRefusesAClash()
    {
        await using var first = await LinuxLab.CreateAsync();
        Assert.True((await first.ApplyAsync()).Succeeded);
        await using var second = await LinuxLab.CreateAsync(_ => "version: 1\n", prefix: first.Prefix);

        var (empty, destroyed) = await second.Reconciler.DestroyAsync(new ApplyOptions(), null, CancellationToken.None);
        Assert.Empty(empty.Plan.Steps);
        Assert.Null(destroyed);
        Assert.Equal(first.DeploymentId, Assert.Single(empty.Plan.OtherDeployments).Id);

        second.Store.Replace(first.Model, NetVirt.Model.Validation.HostTarget.Linux);
        var clash = await second.Reconciler.PlanAsync(observeHost: true, CancellationToken.None);
        Assert.Contains(clash.Plan.Problems, p => p.Subject == $"netns {first.Netns("acme-web1")}" && p.Message.Contains($"deployment {first.DeploymentId}", StringComparison.Ordinal));
        Assert.DoesNotContain(clash.Plan.Steps, s => s.Action != StepAction.Create);

        // The first deployment is untouched: its plan is still empty and its zones still talk.
        Assert.True((await first.Reconciler.PlanAsync(observeHost: true, CancellationToken.None)).Plan.IsEmpty);
        Assert.True(await first.PingAsync("acme-web1", first.AddressOf("acme-web2")));
    }

    [LinuxRootFact]
    public async Task EveryObject_RecordsTheDeployment()
    {
        await using var lab = await LinuxLab.CreateAsync();
        Assert.True((await lab.ApplyAsync()).Succeeded);
        var mark = $"deployment {lab.DeploymentId}";

        var links = await NamespacePair.RunAsync("/usr/sbin/ip", "-d", "-o", "link", "show");
        var owned = links.Stdout.Split('\n').Where(l => l.Contains($": {lab.Prefix}-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(owned);
        Assert.All(owned, l => Assert.Contains(mark, l, StringComparison.Ordinal));
        var zone = await NamespacePair.RunAsync("/usr/sbin/ip", "-d", "-n", lab.Netns("acme-web1"), "-o", "link", "show");
        Assert.Contains($"alias netvirt netns {lab.Netns("acme-web1")} {mark}", zone.Stdout, StringComparison.Ordinal);
        Assert.Contains($"alias netvirt vnic acme-web1/net0 {mark}", zone.Stdout, StringComparison.Ordinal);
        var table = await NamespacePair.RunAsync("/usr/sbin/nft", "list", "table", "bridge", lab.Prefix);
        Assert.Contains($"comment \"netvirt table {lab.Prefix} {mark}\"", table.Stdout, StringComparison.Ordinal);
    }

    [LinuxRootFact]
    public async Task ForeignPortAndMtuByHand_AreDrift_AndApplyReleasesThePortWithoutDeletingIt()
    {
        await using var lab = await LinuxLab.CreateAsync();
        Assert.True((await lab.ApplyAsync()).Succeeded);
        var bridges = (await NamespacePair.RunAsync("/usr/sbin/ip", "-o", "link", "show", "type", "bridge")).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ")[1]).Where(n => n.StartsWith(lab.Prefix + "-", StringComparison.Ordinal)).Order().ToList();
        var port = $"{lab.Prefix}x0";
        Assert.Equal(0, (await NamespacePair.RunAsync("/usr/sbin/ip", "link", "add", port, "type", "veth", "peer", "name", $"{lab.Prefix}x1")).ExitCode);
        try
        {
            Assert.Equal(0, (await NamespacePair.RunAsync("/usr/sbin/ip", "link", "set", port, "master", bridges[0], "up")).ExitCode);
            Assert.Equal(0, (await NamespacePair.RunAsync("/usr/sbin/ip", "link", "set", bridges[1], "mtu", "1400")).ExitCode);

            var (_, drift) = await lab.Reconciler.DriftAsync(CancellationToken.None);

            Assert.Contains(drift, d => d.Resource.Name == bridges[0] && d.Changes.Contains(new PropertyChange("foreign-ports", port, "")));
            Assert.Contains(drift, d => d.Resource.Name == bridges[1] && d.Changes.Contains(new PropertyChange("mtu", "1400", "1500")));
            Assert.True((await lab.ApplyAsync()).Succeeded);
            Assert.Empty((await lab.Reconciler.DriftAsync(CancellationToken.None)).Drift);
            var after = await NamespacePair.RunAsync("/usr/sbin/ip", "-d", "link", "show", port);
            Assert.Equal(0, after.ExitCode);
            Assert.DoesNotContain("master", after.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await NamespacePair.RunAsync("/usr/sbin/ip", "link", "delete", port);
        }
    }
}
