using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Kinds;
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
/// (netlink), tc shaping (one <c>tc -batch</c>) and an nftables bridge-family table (one transaction through
/// libnftables, in process); observation from netlink dumps, <c>tc -j</c> and libnftables' JSON listing. Every change to the host goes through
/// three small seams (<see cref="ILinuxKernel"/>, <see cref="INftables"/>, <see cref="ITrafficControl"/>), so the
/// whole backend runs against a fake kernel in tests. See README.md for the kinds, ownership, protection semantics and
/// the measurements behind the design.
/// </summary>
public sealed partial class LinuxBackend : IHostBackend, NetVirt.Backends.Containers.IContainerBackend
{
    private readonly LinuxContext _context;
    private readonly LinuxObserver _observer;
    private readonly LinuxExecutor _executor;
    private readonly LinuxCapabilities _capabilities;
    private readonly ILinuxKernel _kernel;
    private readonly INftables _nft;
    private readonly ITrafficControl _tc;

    /// <summary>
    /// A backend that talks netlink to this host's kernel, nftables through libnftables, and runs tc through <paramref name="runner"/>.
    /// Render, Describe and Review never touch the host; with <paramref name="tools"/> null the tools are looked up
    /// (and must exist).
    /// </summary>
    public LinuxBackend(ICommandRunner runner, LinuxBackendOptions options, LinuxTools? tools = null)
        : this(options, tools ?? LinuxTools.Resolve(), LinuxKernel.Instance, runner)
    {
    }

    private LinuxBackend(LinuxBackendOptions options, LinuxTools tools, ILinuxKernel kernel, ICommandRunner runner)
        : this(options, tools, kernel, LibNftables.Instance, new ProcessTrafficControl(runner, tools.Tc))
    {
    }

    /// <summary>A backend over the given kernel, nftables and tc (a fake in tests).</summary>
    internal LinuxBackend(LinuxBackendOptions options, LinuxTools tools, ILinuxKernel kernel, INftables nft, ITrafficControl tc)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tools);
        Naming = new LinuxNaming(options.Prefix, options.DeploymentId);
        Tools = tools;
        _context = new LinuxContext(Naming, tools, options.Overlay) 
        {
            Trees = options.Trees ?? Rendering.BridgeTreeLimits.Default,
            NamespaceReleaseTimeout = options.NamespaceReleaseTimeout ?? TimeSpan.FromSeconds(30),
        };
        _capabilities = options.Capabilities ?? LinuxCapabilities.Probe();
        var threads = Math.Max(1, options.Threads);
        (_kernel, _nft, _tc) = (kernel, nft, tc);
        _observer = new LinuxObserver(_context, kernel, nft, tc, threads);
        _executor = new LinuxExecutor(_context, kernel, nft, tc, threads);
    }

    /// <inheritdoc />
    public string Target => "linux";

    /// <summary>Host naming, the ownership rule and the deployment id.</summary>
    public LinuxNaming Naming { get; }

    /// <summary>The tool paths in use.</summary>
    public LinuxTools Tools { get; }

    /// <inheritdoc />
    public RenderResult Render(NetworkModel model) => LinuxRenderer.Render(model, _context, _capabilities);

    /// <inheritdoc />
    public Task<HostState> ObserveAsync(CancellationToken cancellationToken) => _observer.ObserveAsync(cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// One namespace ahead for each declared zone whose namespace has no name yet (containers' namespaces are their
    /// runtimes'; routers' are few). A model with hosts is applied by each host's agent, never here.
    /// </remarks>
    public IDisposable? Anticipate(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Hosts.IsEmpty)
        {
            return null;
        }

        var named = _kernel.Namespaces().Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var missing = model.Zones.Count(z => !z.IsContainer && !named.Contains(Naming.ZoneNetns(z.Name)));
        return missing == 0 ? null : _kernel.MakeNamespacesAhead(missing);
    }

    /// <inheritdoc />
    public IReadOnlyList<CommandSpec> Describe(PlanStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return LinuxKinds.Of(step.Resource.Kind).Describe(step, _context);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StepExecution>> ExecuteAsync(IReadOnlyList<PlanStep> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Count == 0 ? Task.FromResult<IReadOnlyList<StepExecution>>([]) : _executor.ExecuteAsync(batch, cancellationToken);
    }
}
