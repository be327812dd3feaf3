using System.Net;
using NetVirt.Backends.Linux;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Model.Validation;
using NetVirt.Planning.Journal;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>
/// Tenant L2 across hosts on the fake kernel: each host's slice becomes VXLAN devices (no learning, neighbour proxy on,
/// the bridge not learning on the port) with forwarding and neighbour entries from the model only, legs with the
/// router's anycast gateway MAC, and protection on the VXLAN port; a zone that moves leaves no entry behind; the
/// underlay is checked; and an apply or destroy killed at any kernel change converges like every other kind.
/// </summary>
public sealed class LinuxOverlayTests
{
    private const string ThreeHosts =
        """
        version: 1
        hosts:
          - { name: h1, address: 172.31.255.1 }
          - { name: h2, address: 172.31.255.2 }
          - { name: h3, address: 172.31.255.3 }
        etherstubs: [{ name: stub0 }]
        networks:
          - { name: a-front, tenant: acme, over: stub0, vlan: 100, ipv4: { subnet: 10.1.0.0/24, gateway: 10.1.0.1 } }
          - { name: a-back, tenant: acme, over: stub0, vlan: 101, ipv4: { subnet: 10.2.0.0/24, gateway: 10.2.0.1 } }
          - { name: g-net, tenant: globex, over: stub0, vlan: 200, ipv4: { subnet: 10.1.0.0/24, gateway: 10.1.0.1 } }
        zones:
          - { name: web1, host: h1, vnics: [{ name: net0, network: a-front, addresses: [{ tag: v4, address: auto, family: ipv4 }] }] }
          - { name: web2, host: h2, vnics: [{ name: net0, network: a-front, addresses: [{ tag: v4, address: auto, family: ipv4 }] }] }
          - { name: db1, host: h3, vnics: [{ name: net0, network: a-back, addresses: [{ tag: v4, address: auto, family: ipv4 }] }] }
          - { name: g1, host: h1, vnics: [{ name: net0, network: g-net, addresses: [{ tag: v4, address: auto, family: ipv4 }] }] }
          - { name: g2, host: h3, vnics: [{ name: net0, network: g-net, addresses: [{ tag: v4, address: auto, family: ipv4 }] }] }
        """;

    /// <summary>A resolved model with hosts and the slice of each host, as the server hands them to agents.</summary>
    internal static (NetworkModel Resolved, Func<string, HostSlice> Slice) Resolve(NetworkModel model)
    {
        using var database = new TempDatabase();
        var store = database.Open(deploymentId: TempDatabase.ZeroDeployment);
        store.Replace(model, HostTarget.Linux);
        var state = store.Load();
        var vnis = state.Vnis.ToDictionary(v => v.Domain, v => v.Vni);
        return (state.Resolved, host => HostSlice.For(state.Resolved, vnis, host));
    }

    private static FakeLinuxKernel NewHost(int number, int underlayMtu = 1600)
    {
        var kernel = new FakeLinuxKernel();
        kernel.AddHostLink("eth0", mtu: underlayMtu);
        kernel.AddHostAddress("eth0", InterfaceAddress.Parse($"172.31.255.{number}/24"));
        return kernel;
    }

    private static LinuxHarness Host(FakeLinuxKernel kernel, HostSlice slice) =>
        new(kernel, slice.Model, overlay: LinuxOverlay.Of(slice));

    [Fact]
    public async Task Apply_SliceOfH1_TunnelsEachSharedDomainWithEntriesFromTheModelOnly()
    {
        var (resolved, slice) = Resolve(Models.Parse(ThreeHosts));
        var h1 = Host(NewHost(1), slice("h1"));
        await h1.ConvergeAsync("h1's first apply");
        var snapshot = h1.Kernel.Snapshot();
        var naming = new NetVirt.Backends.Linux.Resources.LinuxNaming(LinuxHarness.Prefix);
        var front = naming.Vxlan("stub0", 100);
        var back = naming.Vxlan("stub0", 101);
        var globex = naming.Vxlan("stub0", 200);
        var macOf = resolved.Zones.ToDictionary(z => z.Name, z => z.Vnics[0].Mac!.Value.ToString());
        var addressOf = resolved.Zones.ToDictionary(z => z.Name, z => z.Vnics[0].Addresses[0].Address!.ToString()!.Split('/')[0]);

        // One device per domain that reaches another host, on its bridge, learning off everywhere, proxy on.
        Assert.Contains($"link (host)/{front} vxlan mtu=1500 mac= master={naming.Bridge("stub0", 100)} up=True", snapshot);
        Assert.Contains("learning=False proxy=True port-learning=False", snapshot);
        Assert.Contains($"link (host)/{back} ", snapshot);
        Assert.Contains($"link (host)/{globex} ", snapshot);
        // Entries only for the remote VNICs of each domain: web2 (h2) in a-front, db1 (h3) in a-back, g2 (h3) in g-net.
        Assert.Contains($"fdb (host)/{front} {macOf["web2"]} dst 172.31.255.2 self", snapshot);
        Assert.Contains($"fdb (host)/{front} {macOf["web2"]} master {naming.Bridge("stub0", 100)} static", snapshot);
        Assert.Contains($"neigh (host)/{front} {addressOf["web2"]} lladdr {macOf["web2"]} permanent", snapshot);
        Assert.Contains($"fdb (host)/{back} {macOf["db1"]} dst 172.31.255.3 self", snapshot);
        Assert.Contains($"fdb (host)/{globex} {macOf["g2"]} dst 172.31.255.3 self", snapshot);
        Assert.DoesNotContain(macOf["web1"] + " dst", snapshot); // its own VNIC is local
        Assert.Equal(5, snapshot.Split('\n').Count(l => l.StartsWith("fdb ", StringComparison.Ordinal) && l.EndsWith(" self", StringComparison.Ordinal)) + 2);
        // The router's legs carry its anycast gateway MAC, the same on every host.
        Assert.Contains($"mac={AnycastGateway.MacOf("acme")}", snapshot);
        Assert.Contains($"mac={AnycastGateway.MacOf("globex")}", snapshot);
        // The VXLAN port lets in only the domain's remote VNICs and gateways, untagged.
        var elements = snapshot.Split('\n').Where(l => l.StartsWith("nft element", StringComparison.Ordinal) && l.Contains(front, StringComparison.Ordinal)).ToList();
        Assert.Contains(elements, l => l.Contains(" mac_ports ", StringComparison.Ordinal));
        Assert.Contains(elements, l => l.Contains(" restricted_ports ", StringComparison.Ordinal));
        Assert.Equal(
            new[] { macOf["web2"], AnycastGateway.MacOf("acme").ToString() }.Order(StringComparer.Ordinal),
            elements.Where(l => l.Contains(" macs ", StringComparison.Ordinal)).Select(l => l.Split(" . ")[1].Trim()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ZoneMoves_FromH2ToH1_NoHostKeepsAnEntryPointingAtH2()
    {
        var model = Models.Parse(ThreeHosts);
        var (before, sliceBefore) = Resolve(model);
        var kernels = Enumerable.Range(1, 3).Select(i => NewHost(i)).ToArray();
        for (var i = 0; i < 3; i++)
        {
            await Host(kernels[i], sliceBefore($"h{i + 1}")).ConvergeAsync($"h{i + 1} before the move");
        }

        var web2 = before.Zones.Single(z => z.Name == "web2");
        var mac = web2.Vnics[0].Mac!.Value.ToString();
        Assert.Contains($"{mac} dst 172.31.255.2 self", kernels[0].Snapshot());

        // web2 moves to h1, keeping its MAC and address (the resolved model says where each zone is).
        var moved = before with { Zones = [.. before.Zones.Select(z => z.Name == "web2" ? z with { Host = "h1" } : z)] };
        var (_, sliceAfter) = Resolve(moved);
        for (var i = 0; i < 3; i++)
        {
            await Host(kernels[i], sliceAfter($"h{i + 1}")).ConvergeAsync($"h{i + 1} after the move");
        }

        // h1 has web2 itself now: no forwarding or neighbour entry for its MAC; h2 has no zone of acme left, so no
        // tunnel for it at all; nobody sends web2's frames to h2.
        Assert.DoesNotContain($"{mac} dst", kernels[0].Snapshot());
        Assert.DoesNotContain("nvt0-z-web2", kernels[1].Snapshot());
        Assert.DoesNotContain("dst 172.31.255.2", kernels[0].Snapshot() + kernels[2].Snapshot());
        Assert.DoesNotContain(mac, string.Join('\n', kernels[1].Snapshot().Split('\n').Where(l => l.StartsWith("fdb ", StringComparison.Ordinal) || l.StartsWith("neigh ", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Plan_UnderlayTooSmallOrAddressMissing_IsAProblemNamingIt()
    {
        var (_, slice) = Resolve(Models.Parse(ThreeHosts));
        var small = Host(NewHost(1, underlayMtu: 1500), slice("h1"));
        var (plan, _) = await small.PlanAsync();
        Assert.Contains(plan.Problems, p => p.ToString().Contains("underlay 172.31.255.1", StringComparison.Ordinal) && p.ToString().Contains("1550 or more", StringComparison.Ordinal)
            && p.ToString().Contains("1500 on eth0", StringComparison.Ordinal));

        var elsewhere = Host(NewHost(2), slice("h1"));
        (plan, _) = await elsewhere.PlanAsync();
        Assert.Contains(plan.Problems, p => p.ToString().Contains("underlay 172.31.255.1", StringComparison.Ordinal) && p.ToString().Contains("not found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OverlayApplyAndDestroy_KilledAtEveryKernelChange_Converge()
    {
        var (_, slice) = Resolve(Models.Parse(ThreeHosts));
        var h1 = slice("h1");
        var reference = Host(NewHost(1), h1);
        await reference.ConvergeAsync("a clean apply");
        var expected = reference.Kernel.Snapshot();

        foreach (var destroy in new[] { false, true })
        {
            for (var n = 0L; ; n++)
            {
                var host = Host(NewHost(1), h1);
                if (destroy)
                {
                    await host.ConvergeAsync("first apply");
                }

                host.Kernel.DieAfter(n);
                var report = await host.ApplyAsync(destroy);
                if (!host.Kernel.Dead)
                {
                    Assert.True(report!.Succeeded, report.Error);
                    break;
                }

                Assert.NotEqual(RunOutcome.Succeeded, report!.Outcome);
                host.Kernel.Restart();
                var because = $"{(destroy ? "destroy" : "apply")} killed after {n} kernel changes";
                var destroyed = Host(host.Kernel.Clone(), h1);
                var next = Host(host.Kernel, h1);
                var again = await next.ApplyAsync();
                Assert.True(again is null || again.Succeeded, $"{because}: {again?.Error}");
                Assert.Equal(expected, next.Kernel.Snapshot());
                await destroyed.DestroyAllAsync(because);
            }
        }
    }
}
