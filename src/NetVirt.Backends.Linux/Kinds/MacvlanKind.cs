using System.Globalization;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// A zone VNIC over a physical link: a bridge-mode macvlan created from the host namespace directly inside the zone's
/// namespace (up), then marked from inside. MAC, MTU and state change in place; the lower link does not.
/// </summary>
internal sealed class MacvlanKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create(
        "macvlan", 20, [LinuxProperties.Mac, LinuxProperties.Mtu, LinuxProperties.State, LinuxProperties.Deployment], deletedWithParent: true);

    /// <summary>The one instance.</summary>
    public static readonly MacvlanKind Instance = new();

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>A macvlan as the model wants it.</summary>
    public static HostResource Desired(string name, string zone, string lower, MacAddress mac, int mtu, ResourceId netnsId, ResourceId lowerId, LinuxContext context) => new()
    {
        Kind = Definition,
        Name = name,
        Zone = zone,
        Properties = PropertyBag.Of([
            (LinuxProperties.Lower, lower), (LinuxProperties.Mac, mac.ToString()), (LinuxProperties.Mtu, mtu.ToString(CultureInfo.InvariantCulture)),
            (LinuxProperties.State, "up"), .. context.DeploymentProperty]),
        DependsOn = [netnsId, lowerId],
    };

    /// <summary>A macvlan as found inside a zone's namespace; <paramref name="lower"/> is its lower link's name ("" when unknown).</summary>
    public static HostResource Observed(string netns, string zone, LinkObserved link, OwnerAlias mark, string lower, ResourceId netnsId, LinuxContext context) =>
        context.Owner(new HostResource
        {
            Kind = Definition,
            Name = LinuxNames.Interface(netns, link.Name),
            Zone = zone,
            Properties = PropertyBag.Of(
                (LinuxProperties.Lower, lower),
                (LinuxProperties.Mac, link.Mac?.ToString() ?? ""),
                (LinuxProperties.Mtu, link.Mtu.ToString(CultureInfo.InvariantCulture)),
                (LinuxProperties.State, link.IsUp ? "up" : "down"),
                (LinuxProperties.Deployment, LinuxContext.Recorded(mark))),
            DependsOn = lower.Length > 0 ? [netnsId, new ResourceId(LinkKind.Definition.Name, lower)] : [netnsId],
        }, mark.Deployment);

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var p = step.Resource.Properties;
        var (netns, inside) = LinuxNames.Split(step.Resource.Name);
        var alias = Alias(step.Resource, context);
        return step.Action switch
        {
            StepAction.Create =>
            [
                context.Ip("link", "add", inside, "link", p[LinuxProperties.Lower]!, "address", p[LinuxProperties.Mac]!, "mtu", p[LinuxProperties.Mtu]!, "netns", netns, "up", "type", "macvlan", "mode", "bridge"),
                context.Ip("-n", netns, "link", "set", inside, "alias", alias),
            ],
            StepAction.Update => [context.Ip("-n", netns, "link", "set", inside, "alias", alias, "address", p[LinuxProperties.Mac]!, "mtu", p[LinuxProperties.Mtu]!, "up")],
            _ => [context.Ip("-n", netns, "link", "delete", inside)],
        };
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var p = step.Step.Resource.Properties;
        var (netns, inside) = LinuxNames.Split(step.Step.Resource.Name);
        switch (step.Step.Action)
        {
            case StepAction.Create:
                work.AddHost(step, new CreateMacvlanRequest(inside, p[LinuxProperties.Lower]!, MacAddress.Parse(p[LinuxProperties.Mac]!), Mtu(p), netns), Role.Create);
                work.AddInside(step, netns, new SetLinkRequest(inside) { Alias = Alias(step.Step.Resource, context) }, Role.Modify);
                break;
            case StepAction.Update:
                work.AddInside(step, netns, new SetLinkRequest(inside) { Alias = Alias(step.Step.Resource, context), Mac = MacAddress.Parse(p[LinuxProperties.Mac]!), Mtu = Mtu(p), Up = true }, Role.Modify);
                break;
            default:
                work.AddInside(step, netns, new DeleteLinkRequest(inside), Role.Delete);
                break;
        }
    }

    private static string Alias(HostResource resource, LinuxContext context)
    {
        var (netns, inside) = LinuxNames.Split(resource.Name);
        return context.Naming.Alias(VethKind.Vnic.AliasKind, $"{context.Naming.ZoneOfNetns(netns) ?? netns}/{inside}");
    }

    private static int Mtu(PropertyBag p) => int.Parse(p[LinuxProperties.Mtu] ?? "", CultureInfo.InvariantCulture);
}
