using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Observation;
using NetVirt.Backends.Linux.Rendering;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Spec;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux;

/// <summary>
/// The Linux backend: the model as network namespaces, per-VLAN bridges, veth pairs, macvlans, addresses and routes
/// (netlink), tc shaping (one <c>tc -batch</c>) and an nftables bridge-family table (one <c>nft -f</c>
/// transaction); observation from netlink dumps, <c>tc -j</c> and <c>nft -j</c>. See README.md for the kinds,
/// ownership, protection semantics and the measurements behind the design.
/// </summary>
public sealed class LinuxBackend : IHostBackend
{
    private readonly LinuxObserver _observer;
    private readonly LinuxExecutor _executor;
    private readonly LinuxCommands _commands;
    private readonly LinuxCapabilities _capabilities;

    /// <summary>
    /// A backend that runs tc and nft through <paramref name="runner"/> and talks netlink directly. Render, Describe
    /// and Review never touch the host; with <paramref name="tools"/> null the tools are looked up (and must exist).
    /// </summary>
    public LinuxBackend(ICommandRunner runner, LinuxBackendOptions options, LinuxTools? tools = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        Naming = new LinuxNaming(options.Prefix);
        Tools = tools ?? LinuxTools.Resolve();
        _capabilities = options.Capabilities ?? LinuxCapabilities.Probe();
        _commands = new LinuxCommands(Naming, Tools);
        var threads = Math.Max(1, options.Threads);
        _observer = new LinuxObserver(Naming, runner, Tools, threads);
        _executor = new LinuxExecutor(Naming, Tools, runner, _commands, threads);
    }

    /// <inheritdoc />
    public string Target => "linux";

    /// <summary>Host naming and the ownership rule.</summary>
    public LinuxNaming Naming { get; }

    /// <summary>The tool paths in use.</summary>
    public LinuxTools Tools { get; }

    /// <inheritdoc />
    public RenderResult Render(NetworkModel model) => LinuxRenderer.Render(model, Naming, _capabilities);

    /// <inheritdoc />
    public Task<HostState> ObserveAsync(CancellationToken cancellationToken) => _observer.ObserveAsync(cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<CommandSpec> Describe(PlanStep step) => _commands.Describe(step);

    /// <inheritdoc />
    public Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Count == 0 ? Task.FromResult<IReadOnlyList<StepExecution>>([]) : _executor.ExecuteAsync(batch, cancellationToken);
    }
}
