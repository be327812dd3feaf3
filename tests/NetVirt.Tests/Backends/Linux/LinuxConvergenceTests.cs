using NetVirt.Backends.Execution;
using NetVirt.Bench.LinuxApply;
using NetVirt.Model.Spec;
using NetVirt.Planning.Journal;
using NetVirt.Tests.Support;
using Xunit.Abstractions;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>
/// kill -9 at any instant converges. The Linux backend runs over <see cref="FakeLinuxKernel"/>; "the process" is
/// stopped at every step boundary of an apply and of a destroy of 200 zones, and killed at every single kernel change
/// of an apply and a destroy of a small model that has every kind (half-made namespaces, veths without their mark, a
/// tc batch half run, ...). From each of those hosts the next apply must converge (its plan well ordered, then nothing
/// left to do, the host as a clean apply leaves it) and the next destroy must leave nothing with the prefix. The
/// destroy is checked from every stop but for the apply of 200 zones, where every fourth boundary is enough: a
/// destroy's plan does not depend on how far the apply got beyond which objects exist, and the small model checks it
/// after every single change.
/// </summary>
public sealed class LinuxConvergenceTests(ITestOutputHelper output)
{
    private static readonly Lazy<NetworkModel> Zones200 = new(() => LinuxHarness.Resolve(Models.Parse(LinuxApplyBenchmark.Model(200))));

    // The sample (three tenants, routers, maxbw, protection) plus two zones on a physical link (macvlans).
    private static readonly Lazy<NetworkModel> EveryKind = new(() => LinuxHarness.Resolve(Models.Parse(File.ReadAllText(RepoPaths.MultiTenantSample) + """

        ---
        version: 1
        links: [{ name: eth9 }]
        networks:
          - { name: phys, over: eth9, ipv4: { subnet: 10.77.0.0/24 } }
        zones:
          - name: m1
            vnics: [{ name: net0, network: phys, protection: [], addresses: [{ tag: v4, address: auto, family: ipv4 }] }]
          - name: m2
            vnics: [{ name: net0, network: phys, protection: [], addresses: [{ tag: v4, address: auto, family: ipv4 }] }]
        """)));

    private static FakeLinuxKernel NewHost()
    {
        var kernel = new FakeLinuxKernel();
        kernel.AddHostLink("eth0");
        kernel.AddHostLink("eth9");
        return kernel;
    }

    [Fact]
    public async Task Apply200Zones_StoppedAtEveryStepBoundary_NextApplyConvergesAndNextDestroyLeavesNothing()
    {
        var reference = await ReferenceAsync(Zones200.Value);
        var host = new LinuxHarness(NewHost(), Zones200.Value);
        var next = new NextRuns(Zones200.Value, reference);

        var report = await host.ApplyAsync(decorate: backend => new StepwiseBackend(backend, step =>
            next.FromAsync(host.Kernel, $"apply stopped after step {step}", destroyToo: step.Index % 4 == 0)));

        Assert.True(report!.Succeeded, report.Error);
        var boundaries = await next.AllAsync();
        Assert.Equal(report.Plan.Steps.Count, boundaries);
        output.WriteLine($"apply of 200 zones: stopped at {boundaries} step boundaries, every one converged");
    }

    [Fact]
    public async Task Destroy200Zones_StoppedAtEveryStepBoundary_NextApplyConvergesAndNextDestroyLeavesNothing()
    {
        var reference = await ReferenceAsync(Zones200.Value);
        var host = new LinuxHarness(NewHost(), Zones200.Value);
        await host.ConvergeAsync("first apply");
        var next = new NextRuns(Zones200.Value, reference);

        var report = await host.ApplyAsync(destroy: true, decorate: backend => new StepwiseBackend(backend, step => next.FromAsync(host.Kernel, $"destroy stopped after step {step}")));

        Assert.True(report!.Succeeded, report.Error);
        var boundaries = await next.AllAsync();
        Assert.Equal(report.Plan.Steps.Count, boundaries);
        output.WriteLine($"destroy of 200 zones: stopped at {boundaries} step boundaries, every one converged");
    }

    [Fact]
    public async Task ApplyOfEveryKind_KilledAtEveryKernelChange_NextApplyConvergesAndNextDestroyLeavesNothing()
    {
        var reference = await ReferenceAsync(EveryKind.Value);
        var total = await KillAtEveryChangeAsync(EveryKind.Value, reference, destroy: false);
        output.WriteLine($"apply of every kind: killed at each of {total} kernel changes, every one converged");
    }

    [Fact]
    public async Task DestroyOfEveryKind_KilledAtEveryKernelChange_NextApplyConvergesAndNextDestroyLeavesNothing()
    {
        var reference = await ReferenceAsync(EveryKind.Value);
        var total = await KillAtEveryChangeAsync(EveryKind.Value, reference, destroy: true);
        output.WriteLine($"destroy of every kind: killed at each of {total} kernel changes, every one converged");
    }

    // kill -9 after n kernel changes, for every n until a run goes through.
    private static async Task<long> KillAtEveryChangeAsync(NetworkModel model, string reference, bool destroy)
    {
        for (var n = 0L; ; n++)
        {
            var host = new LinuxHarness(NewHost(), model);
            if (destroy)
            {
                await host.ConvergeAsync("first apply");
            }

            host.Kernel.DieAfter(n);
            var report = await host.ApplyAsync(destroy);
            if (!host.Kernel.Dead)
            {
                Assert.True(report!.Succeeded, report.Error);
                return n;
            }

            Assert.NotEqual(RunOutcome.Succeeded, report!.Outcome);
            host.Kernel.Restart();
            await NextRuns.ConvergeAsync(host.Kernel, model, reference, $"{(destroy ? "destroy" : "apply")} killed after {n} kernel changes");
        }
    }

    private static async Task<string> ReferenceAsync(NetworkModel model)
    {
        var host = new LinuxHarness(NewHost(), model);
        await host.ConvergeAsync("a clean apply");
        return host.Kernel.Snapshot();
    }

    /// <summary>
    /// The runs after a stop, from a copy of the host as the stopped process left it: the next apply converges to the
    /// reference host (a clean apply's, whose next plan is empty: equal hosts plan alike), and, from the same point, the
    /// next destroy leaves nothing. Copies are checked on the other cores while the stopped run goes on.
    /// </summary>
    private sealed class NextRuns(NetworkModel model, string reference)
    {
        private readonly SemaphoreSlim _slots = new(Environment.ProcessorCount);
        private readonly List<Task> _checks = [];

        public async Task FromAsync(FakeLinuxKernel stopped, string because, bool destroyToo = true)
        {
            await _slots.WaitAsync();
            var copy = stopped.Clone();
            _checks.Add(Task.Run(async () =>
            {
                try
                {
                    await ConvergeAsync(copy, model, reference, because, destroyToo);
                }
                finally
                {
                    _slots.Release();
                }
            }));
        }

        /// <summary>Waits for every check; returns how many there were.</summary>
        public async Task<int> AllAsync()
        {
            await Task.WhenAll(_checks);
            return _checks.Count;
        }

        public static async Task ConvergeAsync(FakeLinuxKernel stopped, NetworkModel model, string reference, string because, bool destroyToo = true)
        {
            var destroyed = destroyToo ? new LinuxHarness(stopped.Clone(), model) : null;
            var applied = new LinuxHarness(stopped, model);
            var report = await applied.ApplyAsync();
            Assert.True(report is null || report.Succeeded, $"{because}: the next apply ended {report?.Outcome}: {report?.Error}");
            var after = applied.Kernel.Snapshot();
            if (after != reference)
            {
                var (plan, _) = await applied.PlanAsync();
                Assert.Fail($"{because}: the host differs from a clean apply:\n{Difference(reference, after)}\nnext plan: {string.Join("; ", plan.Steps.Take(5))}");
            }

            if (destroyed is not null)
            {
                await destroyed.DestroyAllAsync(because);
            }
        }

        private static string Difference(string expected, string actual)
        {
            var want = expected.Split('\n').ToHashSet();
            var have = actual.Split('\n').ToHashSet();
            return string.Join('\n', want.Except(have).Take(5).Select(l => "- " + l).Concat(have.Except(want).Take(5).Select(l => "+ " + l)));
        }
    }
}
