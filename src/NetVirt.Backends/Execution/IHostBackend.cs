using NetVirt.Backends.Commands;
using NetVirt.Model.Spec;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Execution;

/// <summary>
/// The contract every host backend fulfils: translate the model into its own objects, observe the host, describe
/// and execute plan steps. The planner, the journal, rollback and drift are shared; only this part differs between
/// illumos and Linux.
/// </summary>
public interface IHostBackend
{
    /// <summary>Target name: <c>illumos</c> or <c>linux</c>.</summary>
    string Target { get; }

    /// <summary>
    /// Translates a resolved model (concrete MACs and addresses) into the host objects it needs, in this backend's
    /// vocabulary. Pure. Returns problems instead of throwing when the host cannot realise part of the model.
    /// </summary>
    RenderResult Render(NetworkModel model);

    /// <summary>Reads the host: every object NetVirt owns, and foreign objects the desired state refers to.</summary>
    Task<HostState> ObserveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The commands that carry out <paramref name="step"/> (for a backend that talks to the kernel directly: the
    /// equivalent commands), for plan display, operator scripts and the journal.
    /// </summary>
    IReadOnlyList<CommandSpec> Describe(PlanStep step);

    /// <summary>
    /// Executes a batch of steps that do not depend on each other (same action and rank). Returns one execution per
    /// step in the same order. A failing step is reported, not thrown; exceptions mean the backend itself broke.
    /// </summary>
    Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken);

    /// <summary>
    /// Problems with a plan that only this backend can see: steps the host cannot carry out as planned (on upstream
    /// illumos, changing a link a running zone holds). Callers add them to <see cref="Plan.Problems"/> before applying.
    /// Pure. The default finds none.
    /// </summary>
    IReadOnlyList<PlanProblem> Review(Plan plan) => [];

    /// <summary>
    /// Starts work that the plan for <paramref name="model"/> (validated, not yet stored) will very likely need and
    /// that changes nothing anyone can see on the host, so that it runs while the model is stored and planned: on
    /// Linux, the zones' network namespaces are made unnamed, and named by the steps that create them. Dispose the
    /// result when the apply is over (what was not used is dropped). Null: nothing to start. The default starts nothing.
    /// </summary>
    IDisposable? Anticipate(NetworkModel model) => null;
}
