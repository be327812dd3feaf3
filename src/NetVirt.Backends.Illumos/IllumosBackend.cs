using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Illumos.Execution;
using NetVirt.Backends.Illumos.Observation;
using NetVirt.Backends.Illumos.Rendering;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Spec;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Illumos;

/// <summary>
/// The illumos / SmartOS backend: the model as etherstubs, VNICs, IP interfaces, address objects and routes;
/// observation through <c>dladm</c>/<c>ipadm</c>/<c>zoneadm</c>/<c>netstat</c> parseable output; execution as
/// <c>dladm</c>/<c>ipadm</c>/<c>route</c> argv (in-zone through <c>zlogin</c>). Every object is temporary (<c>-t</c>);
/// NetVirt's database is the persistence. See README.md for ownership, naming and the variant differences.
/// </summary>
public sealed class IllumosBackend : IHostBackend
{
    private readonly IllumosObserver _observer;
    private readonly IllumosExecutor _executor;
    private readonly StepTranslator _translator;

    /// <summary>A backend for a known variant. Render, Describe and Review never run anything, so this also serves offline scripts.</summary>
    public IllumosBackend(ICommandRunner runner, IllumosBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        Naming = new IllumosNaming(options.Prefix, options.Variant, options.DeploymentId);
        _translator = new StepTranslator(Naming);
        _observer = new IllumosObserver(runner, Naming);
        _executor = new IllumosExecutor(runner, Naming, _translator);
    }

    /// <summary>A backend for the host behind <paramref name="runner"/>, its variant found by <see cref="IllumosCapabilityProbe"/>.</summary>
    public static async Task<IllumosBackend> CreateAsync(ICommandRunner runner, string prefix = IllumosBackendOptions.DefaultPrefix, CancellationToken cancellationToken = default)
    {
        var variant = await IllumosCapabilityProbe.ProbeAsync(runner, cancellationToken).ConfigureAwait(false);
        return new IllumosBackend(runner, new IllumosBackendOptions { Prefix = prefix, Variant = variant });
    }

    /// <inheritdoc />
    public string Target => "illumos";

    /// <summary>The variant this backend drives.</summary>
    public IllumosVariant Variant => Naming.Variant;

    /// <summary>Host naming and the ownership rule.</summary>
    public IllumosNaming Naming { get; }

    /// <inheritdoc />
    public RenderResult Render(NetworkModel model) => IllumosRenderer.Render(model, Naming);

    /// <inheritdoc />
    public Task<HostState> ObserveAsync(CancellationToken cancellationToken) => _observer.ObserveAsync(cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<CommandSpec> Describe(PlanStep step) => [.. _translator.Translate(step).Select(c => c.Spec)];

    /// <inheritdoc />
    public Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return _executor.ExecuteAsync(batch, cancellationToken);
    }

    /// <summary>
    /// On upstream illumos, a link a running zone holds cannot be named from the global zone (no <c>-z</c>), so a
    /// plan that changes or deletes such a VNIC cannot run: each such step is a problem. SmartOS has none.
    /// </summary>
    public IReadOnlyList<PlanProblem> Review(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (Variant != IllumosVariant.Illumos)
        {
            return [];
        }

        return [.. plan.Steps
            .Where(s => s.Resource.Kind == IllumosKinds.Vnic && s.Action != StepAction.Create)
            .Select(s => (Step: s, Zone: ResourceNames.NonGlobal(ResourceNames.SplitLink(s.Resource.Name).Zone)))
            .Where(x => x.Zone is not null)
            .Select(x => new PlanProblem(
                x.Step.Resource.ToString(),
                $"step {x.Step.Index} would {(x.Step.Action == StepAction.Update ? "change" : "delete")} a link zone '{x.Zone}' holds; upstream illumos has no "
                + $"dladm -z and cannot name it from the global zone. Halt zone '{x.Zone}' (its transient VNICs go with it) and plan again"))];
    }
}
