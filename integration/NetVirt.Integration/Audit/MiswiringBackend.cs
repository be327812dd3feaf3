using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Model.Spec;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Integration.Audit;

/// <summary>
/// The real backend with one bug put in on purpose: after it creates the veth of <paramref name="zone"/>, that veth's
/// host end is moved to <paramref name="wrongBridge"/>. The plan and the run both report success; only packets show
/// that the zone now sits in another tenant's VLAN, which is what <c>apply --verify</c> is for.
/// </summary>
public sealed class MiswiringBackend(IHostBackend inner, string zone, Func<string> hostEnd, Func<string> wrongBridge) : IHostBackend
{
    public string Target => inner.Target;

    public RenderResult Render(NetworkModel model) => inner.Render(model);

    public Task<HostState> ObserveAsync(CancellationToken cancellationToken) => inner.ObserveAsync(cancellationToken);

    public IReadOnlyList<CommandSpec> Describe(PlanStep step) => inner.Describe(step);

    public async Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken)
    {
        var results = await inner.ExecuteAsync(batch, cancellationToken);
        if (batch.Any(s => s.Action == StepAction.Create && s.Resource.Kind.Name == "veth" && s.Resource.Name.Contains($"-z-{zone}/", StringComparison.Ordinal)))
        {
            await NamespacePair.IpAsync("link", "set", hostEnd(), "master", wrongBridge());
        }

        return results;
    }
}
