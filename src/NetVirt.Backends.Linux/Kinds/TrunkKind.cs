using System.Globalization;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// The trunk that joins a leaf bridge to its domain's root bridge (<see cref="Rendering.BridgeTree"/>): a veth pair
/// with both ends in the host namespace, <c>nv-t…</c> a port of the leaf and <c>nv-u…</c> a port of the root, named
/// after the leaf, which is also the trunk's name. Both ends carry the alias <c>netvirt trunk LEAF deployment ID</c>, no
/// IPv6 address, and are in no nftables set: a trunk only ever carries frames a bridge forwarded, which entered through
/// a VNIC's port (filtered there, at the bridge's prerouting hook, before forwarding) or a router leg, so protection
/// still judges every frame exactly once, where it enters from a zone. One trunk per leaf and none between leaves: a
/// star, no loop.
/// </summary>
internal sealed class TrunkKind : LinuxKind
{
    /// <summary>The kind: created after the bridges it joins (rank 20, with the veth pairs).</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create(
        "trunk", 20, [LinuxProperties.Bridge, LinuxProperties.Root, LinuxProperties.Mtu, LinuxProperties.State, LinuxProperties.Deployment]);

    /// <summary>The one instance.</summary>
    public static readonly TrunkKind Instance = new();

    /// <summary>Alias kind of both ends; identity: the leaf bridge.</summary>
    public const string AliasKind = "trunk";

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>The trunk of leaf bridge <paramref name="leaf"/> to <paramref name="root"/>, as the model wants it.</summary>
    public static HostResource Desired(string leaf, string root, int mtu, LinuxContext context) => new()
    {
        Kind = Definition,
        Name = leaf,
        Properties = PropertyBag.Of([
            (LinuxProperties.LeafEnd, context.Naming.TrunkLeafEnd(leaf)),
            (LinuxProperties.RootEnd, context.Naming.TrunkRootEnd(leaf)),
            (LinuxProperties.Bridge, leaf),
            (LinuxProperties.Root, root),
            (LinuxProperties.Mtu, mtu.ToString(CultureInfo.InvariantCulture)),
            (LinuxProperties.State, "up"),
            .. context.DeploymentProperty]),
        DependsOn = [new ResourceId(BridgeKind.Definition.Name, leaf), new ResourceId(BridgeKind.Definition.Name, root)],
    };

    /// <summary>
    /// The trunk of leaf <paramref name="leaf"/> as found: its two ends (each other's peers), and the names of the
    /// bridges they are ports of ("" for none). Either end may carry the mark (a kill between marking one and the
    /// other); ends whose marks differ show as unmarked, and the next apply marks both.
    /// </summary>
    public static HostResource Observed(string leaf, LinkObserved leafEnd, LinkObserved rootEnd, string leafMaster, string rootMaster, LinuxContext context)
    {
        var leafMark = LinuxNaming.ParseAlias(leafEnd.Alias) is { Kind: AliasKind } l && l.Identity == leaf ? l : null;
        var rootMark = LinuxNaming.ParseAlias(rootEnd.Alias) is { Kind: AliasKind } r && r.Identity == leaf ? r : null;
        var recorded = leafMark is not null && rootMark is not null && leafMark.Deployment == rootMark.Deployment ? leafMark.Deployment : null;
        var deployment = leafMark?.Deployment ?? rootMark?.Deployment;
        var mtu = leafEnd.Mtu == rootEnd.Mtu ? Text(leafEnd.Mtu) : $"{Text(leafEnd.Mtu)} (root end {Text(rootEnd.Mtu)})";
        return context.Owner(new HostResource
        {
            Kind = Definition,
            Name = leaf,
            Properties = PropertyBag.Of(
                (LinuxProperties.LeafEnd, leafEnd.Name),
                (LinuxProperties.RootEnd, rootEnd.Name),
                (LinuxProperties.Bridge, leafMaster),
                (LinuxProperties.Root, rootMaster),
                (LinuxProperties.Mtu, mtu),
                (LinuxProperties.State, leafEnd.IsUp && rootEnd.IsUp ? "up" : "down"),
                (LinuxProperties.Deployment, recorded ?? "")),
            // Deleting a bridge releases the trunk's end, it does not delete the pair (see VethKind.Observed).
        }, recorded ?? (deployment is not null && !context.Naming.IsOurs(deployment) ? deployment : null));
    }

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var r = step.Resource;
        var p = r.Properties;
        var (leafEnd, rootEnd, mtu) = (p[LinuxProperties.LeafEnd]!, p[LinuxProperties.RootEnd]!, p[LinuxProperties.Mtu] ?? "1500");
        var alias = context.Naming.Alias(AliasKind, r.Name);
        return step.Action switch
        {
            StepAction.Create =>
            [
                context.Ip(["link", "add", leafEnd, .. LinuxContext.OneQueue, "mtu", mtu, "master", p[LinuxProperties.Bridge]!, "type", "veth", "peer", "name", rootEnd, .. LinuxContext.OneQueue, "mtu", mtu]),
                .. context.IpUpWithoutLinkLocal(rootEnd, "alias", alias, "master", p[LinuxProperties.Root]!, "up"),
                .. context.IpUpWithoutLinkLocal(leafEnd, "alias", alias, "master", p[LinuxProperties.Bridge]!, "up"),
            ],
            StepAction.Update =>
            [
                context.Ip("link", "set", rootEnd, "alias", alias, "master", p[LinuxProperties.Root]!, "mtu", mtu, "up"),
                context.Ip("link", "set", leafEnd, "alias", alias, "master", p[LinuxProperties.Bridge]!, "mtu", mtu, "up"),
            ],
            _ => [context.Ip("link", "delete", leafEnd)],
        };
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var r = step.Step.Resource;
        var p = r.Properties;
        var leafEnd = p[LinuxProperties.LeafEnd]!;
        if (step.Step.Action == StepAction.Delete)
        {
            // The root end goes with it.
            work.AddHost(step, new DeleteLinkRequest(leafEnd), Role.Delete);
            return;
        }

        var rootEnd = p[LinuxProperties.RootEnd]!;
        var mtu = int.Parse(p[LinuxProperties.Mtu] ?? "", CultureInfo.InvariantCulture);
        var alias = context.Naming.Alias(AliasKind, r.Name);
        if (step.Step.Action == StepAction.Create)
        {
            // Made on the leaf, then joined to the root, then the leaf end marked: a kill in between leaves an
            // unmarked pair, an owned stray that the next apply deletes and makes again. The leaf end is put on its leaf
            // again when marked, so that creating a pair that is already there (a container's ADD ensures its leaf's
            // trunk every time) also completes one a kill left off its bridges.
            work.AddHost(step, new CreateVethRequest(leafEnd, mtu, p[LinuxProperties.Bridge]!, rootEnd, null, null), Role.Create);
            work.AddHost(step, new SetLinkRequest(rootEnd) { Alias = alias, NoIpv6LinkLocal = true, Master = p[LinuxProperties.Root]!, Up = true }, Role.Modify);
            work.AddHost(step, new SetLinkRequest(leafEnd) { Alias = alias, NoIpv6LinkLocal = true, Master = p[LinuxProperties.Bridge]!, Up = true }, Role.Modify);
            return;
        }

        work.AddHost(step, new SetLinkRequest(rootEnd) { Alias = alias, Master = p[LinuxProperties.Root]!, Mtu = mtu, Up = true }, Role.Modify);
        work.AddHost(step, new SetLinkRequest(leafEnd) { Alias = alias, Master = p[LinuxProperties.Bridge]!, Mtu = mtu, Up = true }, Role.Modify);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
