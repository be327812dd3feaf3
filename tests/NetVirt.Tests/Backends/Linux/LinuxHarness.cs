using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux;
using NetVirt.Backends.Linux.Rendering;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Planning;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;
using NetVirt.Tests.Planning;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>
/// The Linux backend over a <see cref="FakeLinuxKernel"/>, driven the way <c>netvirt apply</c> and <c>destroy</c> drive
/// it (render, observe, plan, <see cref="PlanExecutor"/>), one "process" per call: each call makes a new backend, as
/// a new <c>netvirt</c> process would.
/// </summary>
public sealed class LinuxHarness(FakeLinuxKernel kernel, NetworkModel model, string? deployment = LinuxHarness.Deployment, LinuxOverlay? overlay = null, string prefix = LinuxHarness.Prefix, BridgeTreeLimits? trees = null)
{
    /// <summary>The test prefix on the fake host.</summary>
    public const string Prefix = "nvt0";

    /// <summary>The deployment id of the harness's database.</summary>
    public const string Deployment = "00112233445566aa";

    public FakeLinuxKernel Kernel { get; } = kernel;

    public NetworkModel Model { get; } = model;

    public InMemoryApplyJournal Journal { get; } = new();

    /// <summary>A backend as a new process makes it.</summary>
    public LinuxBackend Backend() => Backend(Kernel, deployment, prefix, overlay, trees);

    public static LinuxBackend Backend(FakeLinuxKernel kernel, string? deployment = Deployment, string prefix = Prefix, LinuxOverlay? overlay = null, BridgeTreeLimits? trees = null) =>
        new(new LinuxBackendOptions { Prefix = prefix, DeploymentId = deployment, Capabilities = new LinuxCapabilities(), Threads = 2, Overlay = overlay, Trees = trees }, LinuxTools.Default, kernel, kernel, kernel);

    // Rendering is pure: the same model renders the same desired state in every "process".
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<NetworkModel, System.Collections.Concurrent.ConcurrentDictionary<string, RenderResult>> Rendered = [];

    /// <summary>The plan <c>netvirt plan</c> would show.</summary>
    public async Task<(Plan Plan, HostState Desired)> PlanAsync(bool destroy = false, IHostBackend? backend = null)
    {
        backend ??= Backend();
        var model = destroy ? NetworkModel.Empty : Model;
        var rendered = overlay is null ? Rendered.GetValue(model, _ => new()).GetOrAdd($"{deployment} {prefix} {trees}", _ => backend.Render(model)) : backend.Render(model);
        var observed = await backend.ObserveAsync(CancellationToken.None);
        return (Planner.Plan(rendered.Desired, observed, rendered.Problems), rendered.Desired);
    }

    /// <summary><c>netvirt apply</c> (or <c>destroy</c>): plans, checks the plan is applicable and well ordered, runs it.</summary>
    public async Task<ApplyReport?> ApplyAsync(bool destroy = false, Func<IHostBackend, IHostBackend>? decorate = null)
    {
        var backend = decorate is null ? Backend() : decorate(Backend());
        var (plan, desired) = await PlanAsync(destroy, backend);
        Assert.True(plan.Problems.IsEmpty, string.Join("\n", plan.Problems));
        PlannerTests.AssertNoStepRefersToALaterCreate(plan, desired);
        return plan.Steps.IsEmpty ? null : await new PlanExecutor(backend, Journal).ApplyAsync(plan, 1, ApplyOptions.Default, CancellationToken.None);
    }

    /// <summary>Applies and asserts that the run succeeded and that the next plan is empty (<c>drift</c> would exit 0).</summary>
    public async Task ConvergeAsync(string because)
    {
        var report = await ApplyAsync();
        Assert.True(report is null || report.Succeeded, $"{because}: the next apply ended {report?.Outcome}: {report?.Error}");
        var (again, _) = await PlanAsync();
        Assert.True(again.IsEmpty, $"{because}: after the next apply, still: {string.Join("; ", again.Steps.Take(5))}{string.Join("; ", again.Problems)}");
    }

    /// <summary>Destroys and asserts that nothing with the prefix is left.</summary>
    public async Task DestroyAllAsync(string because)
    {
        var report = await ApplyAsync(destroy: true);
        Assert.True(report is null || report.Succeeded, $"{because}: the next destroy ended {report?.Outcome}: {report?.Error}");
        Assert.Equal("", Leftovers(Kernel, prefix));
    }

    /// <summary>Every object of the fake host that carries the prefix, one per line ("" when none).</summary>
    public static string Leftovers(FakeLinuxKernel kernel, string prefix = Prefix) =>
        string.Join('\n', kernel.Snapshot().Split('\n').Where(l => l.Contains($" {prefix}-", StringComparison.Ordinal) || l.Contains($"({prefix}-", StringComparison.Ordinal)
            || l.Contains($"/{prefix}-", StringComparison.Ordinal) || l.StartsWith($"nft table {prefix} ", StringComparison.Ordinal)));

    /// <summary>Resolves a model (MACs and addresses) through a store, as apply does; MACs from 02:08:20:00:00:00 on.</summary>
    public static NetworkModel Resolve(NetworkModel model)
    {
        using var database = new TempDatabase();
        var store = database.Open(deploymentId: TempDatabase.ZeroDeployment);
        store.Replace(model, HostTarget.Linux);
        return store.Load().Resolved;
    }
}

/// <summary>Runs each step of a batch on its own and calls back after each: the harness stops "the process" there.</summary>
public sealed class StepwiseBackend(IHostBackend inner, Func<PlanStep, Task> afterStep) : IHostBackend
{
    public string Target => inner.Target;

    public RenderResult Render(NetworkModel model) => inner.Render(model);

    public Task<HostState> ObserveAsync(CancellationToken cancellationToken) => inner.ObserveAsync(cancellationToken);

    public IReadOnlyList<CommandSpec> Describe(PlanStep step) => inner.Describe(step);

    public async Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken)
    {
        var results = new List<StepExecution>();
        foreach (var step in batch)
        {
            results.AddRange(await inner.ExecuteAsync([step], cancellationToken));
            await afterStep(step);
        }

        return results;
    }
}
