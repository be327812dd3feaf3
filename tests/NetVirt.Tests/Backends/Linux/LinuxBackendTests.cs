using NetVirt.Model.Addressing;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Spec;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>
/// The Linux backend end to end over <see cref="FakeLinuxKernel"/>: each defect the hostile pass found on a real host
/// (issue 11), made the same way on the fake host, and what the fix must do about it.
/// </summary>
public sealed class LinuxBackendTests
{
    private const string OtherDeployment = "ffeeddccbbaa9988";

    private static readonly Lazy<NetworkModel> Sample = new(() => LinuxHarness.Resolve(Models.Sample()));

    private static async Task<LinuxHarness> AppliedAsync(string? deployment = LinuxHarness.Deployment)
    {
        var host = new LinuxHarness(new FakeLinuxKernel(), Sample.Value, deployment);
        await host.ConvergeAsync("first apply");
        return host;
    }

    [Theory]
    [InlineData(NetnsEntry.None)]
    [InlineData("ext4")]
    public async Task Apply_NameOfAZoneThatIsNoNamespace_ReplacesItAndConverges(string mount)
    {
        // kill -9 while namespaces are created leaves an empty file under /run/netns (or an operator mounted
        // something else there); every later apply failed with EINVAL creating the zone's veth into it.
        var host = new LinuxHarness(new FakeLinuxKernel(), Sample.Value);
        var netns = $"{LinuxHarness.Prefix}-z-acme-web1";
        if (mount == NetnsEntry.None)
        {
            host.Kernel.AddEmptyName(netns);
        }
        else
        {
            host.Kernel.AddForeignMount(netns, mount);
        }

        var (plan, _) = await host.PlanAsync();
        var replace = plan.Steps.Where(s => s.Resource.Name == netns && s.Resource.Kind.Name == "netns").ToList();
        Assert.Equal([StepAction.Delete, StepAction.Create], replace.Select(s => s.Action));
        Assert.Equal($"netns {netns}: mount {mount} → nsfs (cannot change in place)", replace[0].Reason);

        await host.ConvergeAsync("a half-made namespace");
        await host.DestroyAllAsync("a half-made namespace");
    }

    [Fact]
    public async Task Anticipate_AsksAheadForTheDeclaredZonesWithoutANamespace_AndNothingForAModelWithHosts()
    {
        var host = new LinuxHarness(new FakeLinuxKernel(), Sample.Value);
        var zones = Sample.Value.Zones.Count(z => !z.IsContainer);
        using (var ahead = host.Backend().Anticipate(Sample.Value))
        {
            Assert.NotNull(ahead);
            Assert.Equal((zones, 1), host.Kernel.NamespacesAhead);
        }

        Assert.Equal((zones, 0), host.Kernel.NamespacesAhead);

        // Applied, every zone has its namespace: nothing to make ahead. One zone more: one.
        await host.ConvergeAsync("first apply");
        Assert.Null(host.Backend().Anticipate(Sample.Value));
        var more = Sample.Value with { Zones = [.. Sample.Value.Zones, Sample.Value.Zones[0] with { Name = "extra" }] };
        host.Backend().Anticipate(more)!.Dispose();
        Assert.Equal((zones + 1, 0), host.Kernel.NamespacesAhead);

        // Each host's agent applies its own slice: nothing is made ahead here.
        var withHosts = Models.Parse("""
            hosts: [{ name: h1, address: 192.0.2.1 }]
            etherstubs: [{ name: stub0 }]
            zones: [{ name: z1 }]
            """);
        Assert.Null(host.Backend().Anticipate(withHosts));
        await host.DestroyAllAsync("after anticipating");
    }

    [Fact]
    public async Task Destroy_AHostEndBeingRemovedWhoseAliasCannotBeRead_IsWaitedFor_NotAFailure()
    {
        // Seen after destroying 1,000 zones: a deleted namespace's host end, half removed, answers ENODEV for its alias.
        var host = await AppliedAsync();
        host.Kernel.AddUnregisteringHostLink($"{LinuxHarness.Prefix}-v00dead", questions: 3);

        await host.DestroyAllAsync("a host end being removed while the destroy reads the aliases");
        Assert.Equal(3, host.Kernel.UnregisteringAsked);
    }

    [Theory]
    [InlineData("the mount namespace of process 4242 (conmon) still mounts it on /run/netns/nvt0-z-acme-web1")]
    [InlineData(null)]
    public async Task Destroy_ANamespaceSomethingStillHolds_FailsItsStepOnly_NamingItsHostEndAndWhatHoldsIt(string? holder)
    {
        // CI once saw one of 1,500 deleted namespaces held for 30 s, and the message could only guess at the cause.
        var host = await AppliedAsync();
        var held = $"{LinuxHarness.Prefix}-z-acme-web1";
        host.Kernel.HoldNamespace(held, holder);
        var hostEnd = new LinuxNaming(LinuxHarness.Prefix).VnicHostEnd("acme-web1", "net0");
        var options = new LinuxBackendOptions
        {
            Prefix = LinuxHarness.Prefix, DeploymentId = LinuxHarness.Deployment, Capabilities = new LinuxCapabilities(), Threads = 2,
            NamespaceReleaseTimeout = TimeSpan.FromMilliseconds(50),
        };

        var report = await host.ApplyAsync(destroy: true, decorate: _ => new LinuxBackend(options, LinuxTools.Default, host.Kernel, host.Kernel, host.Kernel));

        Assert.NotNull(report);
        var failed = Assert.Single(report.Executions, s => s.Outcome == StepOutcome.Failed);
        Assert.Equal($"netns {held}", failed.Step.Resource.ToString());
        Assert.Equal($"delete netns {held}: the name is removed, but after 0.05 s the kernel still holds the namespace (host ends {hostEnd}): "
            + (holder ?? "no process runs in it, has it open or mounts it, so a socket or another kernel object made in it holds it"), failed.Error);
            }

    [Fact]
    public async Task Apply_TableWhoseAddressesAnEarlierVersionKeptInIntervalSets_IsRewrittenInOneTransaction_EveryAddressInTheHashSets()
    {
        // Before 2026-12-07 every allowed address was in allowed4/allowed6 declared with flags interval (the kernel's
        // pipapo sets, whose deletions cost seconds at scale). The next apply after the upgrade moves them.
        var host = await AppliedAsync();
        var table = LinuxHarness.Prefix;
        string Dump() => string.Join('\n', host.Kernel.Snapshot().Split('\n').Where(l => l.StartsWith($"nft element {table} allowed", StringComparison.Ordinal) || l.StartsWith($"nft set {table} allowed", StringComparison.Ordinal)));
        var addresses = host.Kernel.Snapshot().Split('\n').Where(l => l.StartsWith($"nft element {table} allowed4 ", StringComparison.Ordinal) || l.StartsWith($"nft element {table} allowed6 ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(addresses);
        Assert.Null(host.Kernel.Nft($"flush chain bridge {table} prerouting"));
        foreach (var family in new[] { ("allowed4", "ipv4_addr", "/32"), ("allowed6", "ipv6_addr", "/128") })
        {
            var elements = addresses.Where(l => l.StartsWith($"nft element {table} {family.Item1} ", StringComparison.Ordinal)).Select(l => l[$"nft element {table} {family.Item1} ".Length..] + family.Item3).ToList();
            foreach (var line in new[] { $"delete set bridge {table} {family.Item1}", $"delete set bridge {table} {family.Item1}_nets", $"add set bridge {table} {family.Item1} {{ type ifname . {family.Item2}; flags interval; }}", $"add element bridge {table} {family.Item1} {{ {string.Join(", ", elements)} }}" })
            {
                Assert.Null(host.Kernel.Nft(line));
            }
        }

        foreach (var rule in NftRuleset.Rules)
        {
            var earlier = rule.Replace(" meta iifname . arp saddr ip != @allowed4_nets", "", StringComparison.Ordinal)
                .Replace(" meta iifname . ip saddr != @allowed4_nets", "", StringComparison.Ordinal).Replace(" meta iifname . ip6 saddr != @allowed6_nets", "", StringComparison.Ordinal);
            Assert.Null(host.Kernel.Nft($"add rule bridge {table} prerouting {earlier}"));
        }

        var old = Dump();
        var (plan, _) = await host.PlanAsync();
        var step = Assert.Single(plan.Steps);
        Assert.Equal($"nft-table bridge {table}", step.Resource.ToString());
        Assert.Equal(["rules", "sets"], step.Changes.Select(c => c.Property).Order());
        host.Kernel.NftTransactions.Clear();

        await host.ConvergeAsync("address sets of an earlier version");

        var rewrite = Assert.Single(host.Kernel.NftTransactions);
        Assert.Equal($"delete table bridge {table}", rewrite[0]);
        Assert.Contains(rewrite, l => l.StartsWith($"add element bridge {table} allowed4 ", StringComparison.Ordinal));
        var now = Dump();
        Assert.DoesNotContain("/32", now, StringComparison.Ordinal);
        Assert.DoesNotContain("/128", now, StringComparison.Ordinal);
        Assert.DoesNotContain("flags interval", string.Join('\n', now.Split('\n').Where(l => l.StartsWith($"nft set {table} allowed4 ", StringComparison.Ordinal) || l.StartsWith($"nft set {table} allowed6 ", StringComparison.Ordinal))), StringComparison.Ordinal);
        Assert.Equal(addresses.Order(StringComparer.Ordinal), now.Split('\n').Where(l => l.StartsWith($"nft element {table} allowed4 ", StringComparison.Ordinal) || l.StartsWith($"nft element {table} allowed6 ", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.NotEqual(old, now);
    }

    [Fact]
    public async Task Destroy_HalfMadeName_IsRemoved()
    {
        var host = await AppliedAsync();
        host.Kernel.AddEmptyName($"{LinuxHarness.Prefix}-z-gone");

        await host.DestroyAllAsync("an empty name left by a killed destroy");
    }

    [Fact]
    public async Task Apply_AfterADestroyThatRemovedTheBridgesOnly_CreatesTheBridgesBeforePuttingTheVethsBack()
    {
        // A destroy killed half-way: the bridges are gone, the zones are left, their veths on no bridge.
        var host = await AppliedAsync();
        var destroy = new LinuxHarness(host.Kernel, NetworkModel.Empty);
        var (teardown, _) = await destroy.PlanAsync();
        var bridges = teardown.Steps.Where(s => s.Resource.Kind.Name == "bridge").ToList();
        Assert.All(await host.Backend().ExecuteAsync(bridges, CancellationToken.None), e => Assert.Equal(StepOutcome.Succeeded, e.Outcome));

        var (plan, _) = await host.PlanAsync();
        var firstBridge = plan.Steps.First(s => s.Resource.Kind.Name == "bridge" && s.Action == StepAction.Create).Index;
        var moved = plan.Steps.Where(s => s.Resource.Kind.Name is "veth" or "leg" && s.Action == StepAction.Update).ToList();
        Assert.NotEmpty(moved);
        Assert.All(moved, s => Assert.True(s.Index > firstBridge, $"{s} comes before the bridge it needs"));
        Assert.Contains(moved, s => s.Reason.Contains("bridge (none) → ", StringComparison.Ordinal));
        await host.ConvergeAsync("bridges gone");
    }

    [Fact]
    public async Task Apply_ExtraElementInAnOwnedSet_DeletesThatElementOnly()
    {
        var host = await AppliedAsync();
        Assert.Null(host.Kernel.Nft($"add element bridge {LinuxHarness.Prefix} macs {{ \"x\" . 02:00:00:00:00:99 }}"));

        var (plan, _) = await host.PlanAsync();
        var step = Assert.Single(plan.Steps);
        Assert.Equal("protection -/x", step.Resource.ToString());
        var report = await host.ApplyAsync();

        Assert.True(report!.Succeeded, report.Error);
        var record = Assert.Single(Assert.Single(report.Executions).Commands);
        Assert.Equal($"delete element bridge {LinuxHarness.Prefix} macs {{ \"x\" . 02:00:00:00:00:99 }}", record.Input);
        await host.ConvergeAsync("one extra element");
    }

    [Fact]
    public async Task Apply_ElementsOfAPortChangedByHand_AddsAndDeletesOnlyWhatDiffers()
    {
        var host = await AppliedAsync();
        var port = host.Backend().Naming.VnicHostEnd("acme-web1", "net0");
        // One element gone, one extra: the update must not delete the gone one (nft fails the transaction on it).
        Assert.Null(host.Kernel.Nft($"delete element bridge {LinuxHarness.Prefix} mac_ports {{ \"{port}\" }}"));
        Assert.Null(host.Kernel.Nft($"add element bridge {LinuxHarness.Prefix} restricted_ports {{ \"{port}\" }}"));

        var report = await host.ApplyAsync();

        Assert.True(report!.Succeeded, report.Error);
        var input = Assert.Single(Assert.Single(report.Executions).Commands).Input;
        Assert.Equal(
            $"delete element bridge {LinuxHarness.Prefix} restricted_ports {{ \"{port}\" }}\nadd element bridge {LinuxHarness.Prefix} mac_ports {{ \"{port}\" }}",
            input);
        await host.ConvergeAsync("elements changed by hand");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeleteProtection_NamesItsElementsWithoutListing_AndListsOnlyWhenOneIsGone(bool oneGoneByHand)
    {
        var host = await AppliedAsync();
        var port = host.Backend().Naming.VnicHostEnd("acme-web1", "net0");
        var protection = (await host.Backend().ObserveAsync(CancellationToken.None)).Resources
            .Single(r => r.Kind.Name == "protection" && r.Properties[LinuxProperties.Port] == port);
        if (oneGoneByHand)
        {
            Assert.Null(host.Kernel.Nft($"delete element bridge {LinuxHarness.Prefix} mac_ports {{ \"{port}\" }}"));
        }

        var listings = host.Kernel.NftListings;
        var step = new PlanStep { Index = 0, Action = StepAction.Delete, Change = ChangeKind.Delete, Resource = protection, Reason = "test" };
        var execution = Assert.Single(await host.Backend().ExecuteAsync([step], CancellationToken.None));

        Assert.Equal(StepOutcome.Succeeded, execution.Outcome);
        Assert.Equal(oneGoneByHand ? 1 : 0, host.Kernel.NftListings - listings);
        var left = (await host.Backend().ObserveAsync(CancellationToken.None)).Resources;
        Assert.DoesNotContain(left, r => r.Kind.Name == "protection" && r.Properties[LinuxProperties.Port] == port);
    }

    [Fact]
    public async Task ProtectionSteps_InOneBatch_GoAsOneCommandPerSet()
    {
        var host = await AppliedAsync();
        var protections = (await host.Backend().ObserveAsync(CancellationToken.None)).Resources.Where(r => r.Kind.Name == "protection").Take(2).ToList();
        var steps = protections.Select((r, i) => new PlanStep { Index = i, Action = StepAction.Delete, Change = ChangeKind.Delete, Resource = r, Reason = "test" }).ToList();
        var before = host.Kernel.NftTransactions.Count;

        var executions = await host.Backend().ExecuteAsync(steps, CancellationToken.None);

        Assert.All(executions, e => Assert.Equal(StepOutcome.Succeeded, e.Outcome));
        var transaction = Assert.Single(host.Kernel.NftTransactions.Skip(before));
        var vnics = Assert.Single(transaction, l => l.Contains(" vnics ", StringComparison.Ordinal));
        Assert.All(protections, r => Assert.Contains(r.Properties[LinuxProperties.Port]!, vnics, StringComparison.Ordinal));
        // Each step's journal record keeps its own lines.
        Assert.All(executions, e => Assert.Single(Assert.Single(e.Commands).Input!.Split('\n'), l => l.Contains(" vnics ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ProtectionSteps_WhenTheMergedTransactionFails_RunLineByLine_AndFailNamingTheCause()
    {
        var host = await AppliedAsync();
        var protections = (await host.Backend().ObserveAsync(CancellationToken.None)).Resources.Where(r => r.Kind.Name == "protection").Take(2).ToList();
        Assert.Null(host.Kernel.Nft($"delete table bridge {LinuxHarness.Prefix}"));
        var steps = protections.Select((r, i) => new PlanStep { Index = i, Action = StepAction.Create, Change = ChangeKind.Create, Resource = r, Reason = "test" }).ToList();
        var before = host.Kernel.NftTransactions.Count;

        var executions = await host.Backend().ExecuteAsync(steps, CancellationToken.None);

        Assert.All(executions, e => Assert.Equal(StepOutcome.Failed, e.Outcome));
        Assert.All(executions, e => Assert.Contains("nft transaction failed (nothing of it was applied)", e.Error, StringComparison.Ordinal));
        var runs = host.Kernel.NftTransactions.Skip(before).ToList();
        Assert.Equal(2, runs.Count);
        Assert.Equal(runs[1], steps.SelectMany(s => host.Backend().Describe(s)).SelectMany(c => c.StandardInput!.TrimEnd('\n').Split('\n')));
        Assert.True(runs[0].Count < runs[1].Count);
    }

    [Fact]
    public async Task Drift_ForeignPortOnAnOwnedBridge_IsReportedAndApplyReleasesItWithoutDeletingIt()
    {
        var host = await AppliedAsync();
        var bridge = host.Backend().Naming.Bridge("stub0", 100);
        host.Kernel.AddHostLink("sniff0", "veth", master: bridge);

        var (plan, _) = await host.PlanAsync();

        var step = Assert.Single(plan.Steps);
        Assert.Equal($"bridge {bridge}: foreign-ports sniff0 → (none)", step.Reason);
        Assert.Contains("/usr/sbin/ip link set sniff0 nomaster", host.Backend().Describe(step).Select(c => c.ToString()));
        await host.ConvergeAsync("a foreign port");
        Assert.True(host.Kernel.HasHostLink("sniff0"));
        Assert.Null(host.Kernel.MasterOf("sniff0"));
    }

    [Fact]
    public async Task Drift_AddressesOnAnOwnedBridge_AreReportedAndApplyRemovesThem_TheHostIsOnNoNetwork()
    {
        var host = await AppliedAsync();
        var bridge = host.Backend().Naming.Bridge("stub0", 100);
        // A link-local address as a bridge made before its address generation mode was sent apart has, and one by hand.
        host.Kernel.AddHostAddress(bridge, InterfaceAddress.Parse("fe80::8:20ff:fe00:99/64"));
        host.Kernel.AddHostAddress(bridge, InterfaceAddress.Parse("10.100.0.254/24"));

        var (plan, _) = await host.PlanAsync();

        var step = Assert.Single(plan.Steps);
        Assert.Equal($"bridge {bridge}: addresses 10.100.0.254/24,fe80::8:20ff:fe00:99/64 → (none)", step.Reason);
        var commands = host.Backend().Describe(step).Select(c => c.ToString()).ToList();
        Assert.Contains($"/usr/sbin/ip address del 10.100.0.254/24 dev {bridge}", commands);
        Assert.Contains($"/usr/sbin/ip address del fe80::8:20ff:fe00:99/64 dev {bridge}", commands);
        // Its address generation mode is asserted again first, so the link-local address does not come back.
        Assert.Equal($"/usr/sbin/ip link set {bridge} addrgenmode none", commands[0]);
        await host.ConvergeAsync("addresses on a bridge");
        Assert.True(host.Kernel.HasHostLink(bridge));
    }

    [Fact]
    public async Task Drift_BridgeMtuChangedByHand_IsReportedAndSetBack()
    {
        var host = await AppliedAsync();
        var bridge = host.Backend().Naming.Bridge("stub0", 200);
        host.Kernel.SetMtu(bridge, 1400);

        var (plan, _) = await host.PlanAsync();

        Assert.Equal($"bridge {bridge}: mtu 1400 → 1500", Assert.Single(plan.Steps).Reason);
        await host.ConvergeAsync("an MTU changed by hand");
    }

    [Fact]
    public async Task Plan_AnotherDatabaseWithTheSamePrefix_DeletesNothingOfTheFirstAndNamesIt()
    {
        // A mistyped --db: an empty database with the same prefix on the host of a running deployment.
        var host = await AppliedAsync();
        var before = host.Kernel.Snapshot();
        var stranger = new LinuxHarness(host.Kernel, NetworkModel.Empty, OtherDeployment);

        var (plan, _) = await stranger.PlanAsync();
        var report = await stranger.ApplyAsync(destroy: true);

        Assert.Empty(plan.Steps);
        Assert.Null(report);
        var other = Assert.Single(plan.OtherDeployments);
        Assert.Equal(LinuxHarness.Deployment, other.Id);
        // Namespaces, interfaces, bridges and the table (what is inside another deployment's namespace is not read).
        Assert.Equal(35, other.Objects);
        Assert.Equal(3, other.Examples.Count);
        Assert.Equal(before, host.Kernel.Snapshot());
    }

    [Fact]
    public async Task Plan_DesiredObjectAnotherDeploymentOwns_IsAProblemNamingIt()
    {
        var host = await AppliedAsync();
        var stranger = new LinuxHarness(host.Kernel, Sample.Value, OtherDeployment);

        var (plan, _) = await stranger.PlanAsync();

        Assert.DoesNotContain(plan.Steps, s => s.Action != StepAction.Create);
        var problem = plan.Problems.First(p => p.Subject == $"netns {LinuxHarness.Prefix}-z-acme-web1");
        Assert.StartsWith($"the name is taken by an object of deployment {LinuxHarness.Deployment}: another NetVirt database with the same ownership prefix manages it", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_MacAnotherDeploymentCarries_IsAProblemNamingIt()
    {
        // Two deployments with different prefixes on one host, and one MAC in both databases.
        var host = await AppliedAsync();
        var mac = Sample.Value.Zones.Single(z => z.Name == "acme-web1").Vnics[0].Mac!.Value;
        var model = Models.Parse($$"""
            version: 1
            etherstubs: [{ name: s0 }]
            networks: [{ name: n, over: s0, ipv4: { subnet: 10.9.0.0/24 } }]
            zones:
              - name: z1
                vnics: [{ name: net0, network: n, mac: "{{mac}}", addresses: [{ tag: v4, address: 10.9.0.5, family: ipv4 }] }]
            """);
        var other = LinuxHarness.Backend(host.Kernel, OtherDeployment, prefix: "nvt9");

        var rendered = other.Render(model);
        var plan = NetVirt.Planning.Planner.Plan(rendered.Desired, await other.ObserveAsync(CancellationToken.None), rendered.Problems);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal("veth nvt9-z-z1/net0", problem.Subject);
        Assert.StartsWith($"MAC {mac} is already carried by link {LinuxHarness.Prefix}-z-acme-web1/net0 of deployment {LinuxHarness.Deployment}", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ObjectsMadeBeforeDeploymentIds_AreAdoptedAndMarked()
    {
        var host = await AppliedAsync(deployment: null);
        var upgraded = new LinuxHarness(host.Kernel, Sample.Value);

        var (plan, _) = await upgraded.PlanAsync();

        Assert.Empty(plan.Problems);
        Assert.All(plan.Steps, s => Assert.Equal(StepAction.Update, s.Action));
        Assert.Equal(["bridge", "leg", "netns", "nft-table", "shaping", "veth"], plan.Steps.Select(s => s.Resource.Kind.Name).Distinct().Order());
        Assert.All(plan.Steps, s => Assert.Contains(s.Changes, c => c.Property == "deployment" && c.From == "" && c.To == LinuxHarness.Deployment));
        await upgraded.ConvergeAsync("adoption");

        // From now on another database sees them as this deployment's.
        var stranger = new LinuxHarness(host.Kernel, NetworkModel.Empty, OtherDeployment);
        Assert.Empty((await stranger.PlanAsync()).Plan.Steps);
    }

    [Fact]
    public async Task Execute_RecordsTheNetlinkRequestsThatRanWithTheKernelsErrno()
    {
        var host = new LinuxHarness(new FakeLinuxKernel(), Sample.Value);
        var report = await host.ApplyAsync();
        var bridge = host.Backend().Naming.Bridge("stub0", 100);
        var create = report!.Executions.Single(e => e.Step.Resource.Name == bridge);
        Assert.Equal(
        [
            $"netlink RTM_NEWLINK bridge {bridge}",
            // No link-local address, before it comes up (the kernel applies flags first).
            $"netlink RTM_NEWLINK set {bridge} addrgenmode none",
            $"netlink RTM_NEWLINK set {bridge} alias 'netvirt bridge {bridge} deployment {LinuxHarness.Deployment}' mtu 1500 up",
        ], create.Commands.Select(c => c.ToString()));
        Assert.All(create.Commands, c => Assert.Equal(0, c.ExitCode));

        // Running the same plan again: every create finds its object (EEXIST), recorded as the kernel answered.
        var again = await new PlanExecutor(host.Backend(), host.Journal).ApplyAsync(report.Plan, 1, ApplyOptions.Default, CancellationToken.None);
        var repeat = again.Executions.Single(e => e.Step.Resource.Name == bridge);
        Assert.True(repeat.NoOp);
        Assert.Equal(17, repeat.Commands[0].ExitCode);
        Assert.Equal("File exists (errno 17): File exists", repeat.Commands[0].Stderr);
    }
}
