using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// A network interface in the host namespace that none of the other kinds explains. Foreign (no ownership prefix, or
/// another deployment's): read for reference (a macvlan's lower link is a requirement), never touched. With the prefix
/// and this deployment's mark or none: an owned stray (a host end whose zone end is gone, an ifb or veth a crash left
/// before it was marked), deleted.
/// </summary>
internal sealed class LinkKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create("link", 0, []);

    /// <summary>The one instance.</summary>
    public static readonly LinkKind Instance = new();

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>A physical link the model needs (a macvlan's lower link).</summary>
    public static HostResource Required(string name) => new() { Kind = Definition, Name = name, Owned = false };

    /// <summary>A host interface the other kinds do not explain.</summary>
    public static HostResource Observed(LinkObserved link, bool prefixed, LinuxContext context)
    {
        var resource = new HostResource { Kind = Definition, Name = link.Name, Properties = Planning.Resources.PropertyBag.Of(("type", link.Kind ?? "")) };
        if (!prefixed)
        {
            return resource with { Owned = false };
        }

        return context.Owner(resource, Resources.LinuxNaming.ParseAlias(link.Alias)?.Deployment);
    }

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context) => [context.Ip("link", "delete", step.Resource.Name)];

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context) => work.AddHost(step, new DeleteLinkRequest(step.Step.Resource.Name), Role.Delete);
}
