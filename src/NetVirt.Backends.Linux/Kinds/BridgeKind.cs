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
/// A Linux bridge, one per (etherstub, VLAN id): no addresses, no IPv6 link-local address, its MTU set explicitly
/// (so the kernel does not follow its ports) to the largest MTU of the domain. Its ports must all be NetVirt's: an
/// interface NetVirt does not own enslaved to it joins the domain to something else (another tenant), so it shows as
/// <c>foreign-ports</c>, and an update releases it from the bridge (<c>nomaster</c>), never deleting it. The host is
/// on none of the networks, so an address on the bridge (<c>addresses</c>: a link-local one that a bridge made before
/// its address generation mode was sent apart got, or one given by hand) is removed by an update too.
/// </summary>
internal sealed class BridgeKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create(
        "bridge", 10, [LinuxProperties.State, LinuxProperties.Mtu, LinuxProperties.ForeignPorts, LinuxProperties.HostAddresses, LinuxProperties.Deployment]);

    /// <summary>The one instance.</summary>
    public static readonly BridgeKind Instance = new();

    /// <summary>Alias kind of a bridge; identity: its name.</summary>
    public const string AliasKind = "bridge";

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>A bridge as the model wants it.</summary>
    public static HostResource Desired(string name, int mtu, LinuxContext context) => new()
    {
        Kind = Definition,
        Name = name,
        Properties = PropertyBag.Of([
            (LinuxProperties.State, "up"), (LinuxProperties.Mtu, mtu.ToString(CultureInfo.InvariantCulture)), (LinuxProperties.ForeignPorts, ""),
            (LinuxProperties.HostAddresses, ""), .. context.DeploymentProperty]),
    };

    /// <summary>A bridge as found, with the names of the ports on it that NetVirt does not own and its addresses.</summary>
    public static HostResource Observed(LinkObserved link, IEnumerable<string> foreignPorts, IEnumerable<InterfaceAddress> addresses, LinuxContext context)
    {
        var alias = LinuxNaming.ParseAlias(link.Alias) is { Kind: AliasKind } a ? a : null;
        return context.Owner(new HostResource
        {
            Kind = Definition,
            Name = link.Name,
            Properties = PropertyBag.Of(
                (LinuxProperties.State, link.IsUp ? "up" : "down"),
                (LinuxProperties.Mtu, link.Mtu.ToString(CultureInfo.InvariantCulture)),
                (LinuxProperties.ForeignPorts, string.Join(',', foreignPorts.Order(StringComparer.Ordinal))),
                (LinuxProperties.HostAddresses, string.Join(',', addresses.Select(a => a.ToString()).Order(StringComparer.Ordinal))),
                (LinuxProperties.Deployment, LinuxContext.Recorded(alias))),
        }, alias?.Deployment);
    }

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var r = step.Resource;
        var mtu = r.Properties[LinuxProperties.Mtu] ?? "1500";
        return step.Action switch
        {
            StepAction.Create => [context.Ip("link", "add", r.Name, "type", "bridge"), .. context.IpUpWithoutLinkLocal(r.Name, "alias", context.Naming.Alias(AliasKind, r.Name), "mtu", mtu, "up")],
            StepAction.Update =>
            [
                .. context.IpUpWithoutLinkLocal(r.Name, "alias", context.Naming.Alias(AliasKind, r.Name), "mtu", mtu, "up"),
                .. Released(step).Select(port => context.Ip("link", "set", port, "nomaster")),
                .. Removed(step).Select(address => context.Ip("address", "del", address.ToString(), "dev", r.Name)),
            ],
            _ => [context.Ip("link", "delete", r.Name)],
        };
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var r = step.Step.Resource;
        switch (step.Step.Action)
        {
            case StepAction.Create:
                work.AddHost(step, new CreateLinkRequest(r.Name, "bridge"), Role.Create);
                work.AddHost(step, Set(r, context) with { NoIpv6LinkLocal = true }, Role.Modify);
                break;
            case StepAction.Update:
                // The mode again too: a bridge whose mode was changed by hand would get a link-local address back at
                // its next carrier change, after apply removed the one it had.
                work.AddHost(step, Set(r, context) with { NoIpv6LinkLocal = true }, Role.Modify);
                foreach (var port in Released(step.Step))
                {
                    work.AddHost(step, new SetLinkRequest(port) { Master = "" }, Role.Release);
                }

                foreach (var address in Removed(step.Step))
                {
                    work.AddHost(step, new AddressRequest(Add: false, address, r.Name), Role.Release);
                }

                break;
            default:
                work.AddHost(step, new DeleteLinkRequest(r.Name), Role.Delete);
                break;
        }
    }

    // Setting the MTU explicitly stops the kernel from adjusting it to the smallest port's.
    private static SetLinkRequest Set(HostResource bridge, LinuxContext context) => new(bridge.Name)
    {
        Alias = context.Naming.Alias(AliasKind, bridge.Name),
        Mtu = int.Parse(bridge.Properties[LinuxProperties.Mtu] ?? "1500", CultureInfo.InvariantCulture),
        Up = true,
    };

    // Foreign ports the host has and the desired state does not: released. An undo never enslaves anything.
    private static IEnumerable<string> Released(PlanStep step) => Dropped(step, LinuxProperties.ForeignPorts);

    // Addresses the bridge has and the desired state does not: removed. An undo never puts one back.
    private static IEnumerable<InterfaceAddress> Removed(PlanStep step) => Dropped(step, LinuxProperties.HostAddresses).Select(InterfaceAddress.Parse);

    // The entries of a comma-separated list property that the step's change takes away.
    private static IEnumerable<string> Dropped(PlanStep step, string property) =>
        step.Changes.Where(c => c.Property == property).SelectMany(c => Split(c.From).Except(Split(c.To), StringComparer.Ordinal));

    private static string[] Split(string? list) => (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
}
