using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// Everything the Linux backend knows about one kind of host object, in one place: its
/// <see cref="ResourceKind"/> (rank, what changes in place), how its desired and observed resources are built (each
/// kind's static <c>Desired</c>/<c>Observed</c> methods, so both sides name and normalise the same properties), the
/// equivalent commands of a step (<see cref="Describe"/>, pure) and what carrying out a step asks of the kernel
/// (<see cref="Schedule"/>). The renderer and the observation walk the model and the host and call these; the
/// executor runs what they schedule.
/// </summary>
internal abstract class LinuxKind
{
    /// <summary>The kind as the planner sees it.</summary>
    public abstract ResourceKind Kind { get; }

    /// <summary>The <c>ip</c>/<c>tc</c>/<c>nft</c> commands that do what the step does, one object at a time. Pure.</summary>
    public abstract IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context);

    /// <summary>Adds what carrying out <paramref name="step"/> takes to <paramref name="work"/>.</summary>
    public abstract void Schedule(StepWork step, BatchWork work, LinuxContext context);
}

/// <summary>What every kind needs: the naming (with the deployment id), the tool paths, and the host's overlay (a model with hosts).</summary>
internal sealed record LinuxContext(LinuxNaming Naming, LinuxTools Tools, LinuxOverlay? Overlay = null)
{
    /// <summary>When an L2 domain becomes a tree of bridges, and the largest one realised.</summary>
    public Rendering.BridgeTreeLimits Trees { get; init; } = Rendering.BridgeTreeLimits.Default;

    /// <summary>How long a deleted namespace may take to release its interfaces before its step fails.</summary>
    public TimeSpan NamespaceReleaseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The nftables table (bridge family).</summary>
    public string Table => Naming.NftTable;

    /// <summary>The <c>deployment</c> property of a desired marked object, when there is a deployment id.</summary>
    public (string, string?)[] DeploymentProperty => Naming.DeploymentId is { } id ? [(LinuxProperties.Deployment, id)] : [];

    /// <summary>What a veth end is created with, as the executor asks (<c>Netlink/RtnlRequests.CreateVeth</c> says why).</summary>
    public static readonly string[] OneQueue = ["numtxqueues", "1", "numrxqueues", "1"];

    /// <summary>An <c>ip</c> command.</summary>
    public CommandSpec Ip(params string[] arguments) => CommandSpec.Of(Tools.Ip, arguments);

    /// <summary>
    /// <c>ip link set NAME addrgenmode none</c>, then <c>ip link set NAME</c> with <paramref name="settings"/> (which bring
    /// it up): two commands, as the executor sends two requests, because the kernel applies one request's <c>up</c>
    /// before its address generation mode and a link with carrier at once gets a link-local address anyway.
    /// </summary>
    public CommandSpec[] IpUpWithoutLinkLocal(string name, params string[] settings) =>
        [Ip("link", "set", name, "addrgenmode", "none"), Ip(["link", "set", name, .. settings])];

    /// <summary>An <c>nft -f -</c> command with <paramref name="lines"/> as its input.</summary>
    public CommandSpec Nft(IEnumerable<string> lines) => CommandSpec.Of(Tools.Nft, "-f", "-") with { StandardInput = string.Join('\n', lines) + "\n" };

    /// <summary>A <c>tc -batch -</c> command.</summary>
    public CommandSpec Tc(IEnumerable<string> lines, bool force) =>
        (force ? CommandSpec.Of(Tools.Tc, "-force", "-batch", "-") : CommandSpec.Of(Tools.Tc, "-batch", "-")) with { StandardInput = string.Join('\n', lines) + "\n" };

    /// <summary>The deployment an observed alias records as a property value ("" for none).</summary>
    public static string Recorded(OwnerAlias? alias) => alias?.Deployment ?? "";

    /// <summary>
    /// Marks an observed object of the prefix with the deployment it records: another deployment's object is not
    /// owned (never changed or deleted); an unmarked one is adopted.
    /// </summary>
    public HostResource Owner(HostResource resource, string? recorded) =>
        Naming.IsOurs(recorded) ? resource with { Deployment = recorded } : resource with { Owned = false, Deployment = recorded };
}
