using System.Globalization;
using System.Net;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// A VXLAN device carrying one L2 domain to the other hosts that carry it (a model with hosts): a port of the domain's
/// bridge, named <c>nv-x</c> and a hash, with the domain's VNI, the host's underlay address as source, no learning of its
/// own (<c>nolearning</c>) and none by the bridge on its port, and its neighbour proxy on: every forwarding and
/// neighbour entry is written from the model (<see cref="FdbKind"/>, <see cref="NeighbourKind"/>), as Neutron's
/// l2population does, and a frame for a MAC without an entry goes nowhere (no default destination, no multicast group:
/// nothing floods). VNI, local address and port cannot change in place (the device is replaced); bridge, MTU, state and
/// the port's learning can. Its alias is <c>netvirt vxlan OVER.VLAN deployment ID</c>; its entries go with it.
/// </summary>
internal sealed class VxlanKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create(
        "vxlan", 20, [LinuxProperties.Bridge, LinuxProperties.Mtu, LinuxProperties.State, LinuxProperties.PortLearning, LinuxProperties.Deployment]);

    /// <summary>The one instance.</summary>
    public static readonly VxlanKind Instance = new();

    /// <summary>Alias kind; identity <c>OVER.VLAN</c>.</summary>
    public const string AliasKind = "vxlan";

    private const string Off = "off";

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>The device as the model wants it.</summary>
    public static HostResource Desired(string name, int vni, IPAddress local, int port, string bridge, int mtu, LinuxContext context) => new()
    {
        Kind = Definition,
        Name = name,
        Properties = PropertyBag.Of([
            (LinuxProperties.Vni, Text(vni)), (LinuxProperties.Local, local.ToString()), (LinuxProperties.UdpPort, Text(port)),
            (LinuxProperties.Learning, Off), (LinuxProperties.Proxy, "on"), (LinuxProperties.Bridge, bridge), (LinuxProperties.Mtu, Text(mtu)),
            (LinuxProperties.State, "up"), (LinuxProperties.PortLearning, Off), .. context.DeploymentProperty]),
        DependsOn = [new ResourceId(BridgeKind.Definition.Name, bridge)],
    };

    /// <summary>A VXLAN device of the prefix as found; <paramref name="bridge"/> is its master's name ("" for none).</summary>
    public static HostResource Observed(LinkObserved link, string bridge, LinuxContext context)
    {
        var alias = LinuxNaming.ParseAlias(link.Alias) is { Kind: AliasKind } a ? a : null;
        var vxlan = link.Vxlan ?? new VxlanObserved(0, null, 0, Learning: true, Proxy: false);
        return context.Owner(new HostResource
        {
            Kind = Definition,
            Name = link.Name,
            Properties = PropertyBag.Of(
                (LinuxProperties.Vni, Text(vxlan.Vni)), (LinuxProperties.Local, vxlan.Local?.ToString() ?? ""), (LinuxProperties.UdpPort, Text(vxlan.Port)),
                (LinuxProperties.Learning, vxlan.Learning ? "on" : Off), (LinuxProperties.Proxy, vxlan.Proxy ? "on" : Off), (LinuxProperties.Bridge, bridge),
                (LinuxProperties.Mtu, Text(link.Mtu)), (LinuxProperties.State, link.IsUp ? "up" : "down"),
                (LinuxProperties.PortLearning, link.PortLearning switch { false => Off, true => "on", null => "" }),
                (LinuxProperties.Deployment, LinuxContext.Recorded(alias))),
            DependsOn = bridge.Length > 0 ? [new ResourceId(BridgeKind.Definition.Name, bridge)] : [],
        }, alias?.Deployment);
    }

    /// <summary>The alias: the domain it carries, from the bridge's name.</summary>
    public static string Alias(HostResource resource, LinuxContext context) =>
        context.Naming.Alias(AliasKind, (resource.Properties[LinuxProperties.Bridge] ?? "").Replace(context.Naming.OwnerMark, "", StringComparison.Ordinal) is { Length: > 0 } b ? b : resource.Name);

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var r = step.Resource;
        var p = r.Properties;
        var alias = Alias(r, context);
        return step.Action switch
        {
            StepAction.Create =>
            [
                context.Ip("link", "add", r.Name, "mtu", p[LinuxProperties.Mtu]!, "master", p[LinuxProperties.Bridge]!, "type", "vxlan", "id", p[LinuxProperties.Vni]!,
                    "local", p[LinuxProperties.Local]!, "dstport", p[LinuxProperties.UdpPort]!, "nolearning", "proxy"),
                context.Ip("link", "set", r.Name, "alias", alias, "addrgenmode", "none", "type", "bridge_slave", "learning", Off),
                context.Ip("link", "set", r.Name, "up"),
            ],
            StepAction.Update =>
            [
                context.Ip("link", "set", r.Name, "alias", alias, "master", p[LinuxProperties.Bridge]!, "mtu", p[LinuxProperties.Mtu]!, "up"),
                context.Ip("link", "set", r.Name, "type", "bridge_slave", "learning", Off),
            ],
            _ => [context.Ip("link", "delete", r.Name)],
        };
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var r = step.Step.Resource;
        var p = r.Properties;
        if (step.Step.Action == StepAction.Delete)
        {
            work.AddHost(step, new DeleteLinkRequest(r.Name), Role.Delete);
            return;
        }

        var bridge = p[LinuxProperties.Bridge]!;
        var mtu = int.Parse(p[LinuxProperties.Mtu] ?? "", CultureInfo.InvariantCulture);
        var alias = Alias(r, context);
        if (step.Step.Action == StepAction.Create)
        {
            work.AddHost(step, new CreateVxlanRequest(
                r.Name, int.Parse(p[LinuxProperties.Vni] ?? "", CultureInfo.InvariantCulture), IPAddress.Parse(p[LinuxProperties.Local] ?? ""),
                int.Parse(p[LinuxProperties.UdpPort] ?? "", CultureInfo.InvariantCulture), mtu, bridge), Role.Create);
            // Learning off before the port goes up, so the bridge never learns a remote source on it.
            work.AddHost(step, new SetLinkRequest(r.Name) { Alias = alias, NoIpv6LinkLocal = true, BridgeLearning = false }, Role.Modify);
            work.AddHost(step, new SetLinkRequest(r.Name) { Up = true }, Role.Modify);
            return;
        }

        // A port's attributes go to its bridge as it is before the request: a move to another bridge comes first.
        work.AddHost(step, new SetLinkRequest(r.Name) { Alias = alias, Master = bridge, Mtu = mtu }, Role.Modify);
        work.AddHost(step, new SetLinkRequest(r.Name) { BridgeLearning = false, Up = true }, Role.Modify);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
