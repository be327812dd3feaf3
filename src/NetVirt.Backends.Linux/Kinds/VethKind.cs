using System.Globalization;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// A veth pair with one end inside a namespace and the other on a bridge: a zone VNIC over an etherstub
/// (<see cref="Vnic"/>: the zone end named like the VNIC with its MAC, MTU and addresses) or a tenant router's leg into
/// a bridge (<see cref="Leg"/>: the gateway addresses on its router end). Bridge (= VLAN), MAC, MTU and state change in
/// place. Both ends carry the alias <c>netvirt vnic ZONE/VNIC deployment ID</c> (or <c>leg ROUTER/END</c>). The peer
/// is created directly inside its namespace, down: asking for it up in the same request fails with ENOTCONN on this
/// kernel, so it is set up from inside; after its creation the host end gets <c>addrgenmode none</c>, then its alias,
/// its bridge and up (two requests: <see cref="Execution.BatchWork.AddHost"/>), so it never gets a link-local address.
/// </summary>
internal sealed class VethKind : LinuxKind
{
    /// <summary>A zone VNIC over an etherstub.</summary>
    public static readonly VethKind Vnic = new(
        ResourceKind.Create("veth", 20, [LinuxProperties.Bridge, LinuxProperties.Mac, LinuxProperties.Mtu, LinuxProperties.State, LinuxProperties.Deployment], deletedWithParent: true),
        "vnic");

    /// <summary>
    /// A tenant router's leg into a bridge. Its MAC is the kernel's choice, except on a host with an overlay, where every
    /// host gives the router's legs the router's anycast gateway MAC (<see cref="Model.Topology.AnycastGateway"/>).
    /// </summary>
    public static readonly VethKind Leg = new(
        ResourceKind.Create("leg", 20, [LinuxProperties.Bridge, LinuxProperties.Mac, LinuxProperties.Mtu, LinuxProperties.State, LinuxProperties.Deployment], deletedWithParent: true),
        "leg");

    private VethKind(ResourceKind kind, string aliasKind)
    {
        Kind = kind;
        AliasKind = aliasKind;
    }

    /// <inheritdoc />
    public override ResourceKind Kind { get; }

    /// <summary>Alias kind on both ends; identity <c>{zone}/{vnic}</c> or <c>{router}/{router end}</c>.</summary>
    public string AliasKind { get; }

    private bool HasMac => this == Vnic;

    /// <summary>The pair as the model wants it; <paramref name="mac"/> always for a VNIC, for a leg only when it is managed (an overlay's anycast gateway).</summary>
    public HostResource Desired(string name, string? zone, string hostEnd, string bridge, MacAddress? mac, int mtu, ResourceId netnsId, LinuxContext context)
    {
        (string, string?)[] properties =
        [
            (LinuxProperties.HostEnd, hostEnd),
            (LinuxProperties.Bridge, bridge),
            (LinuxProperties.Mtu, mtu.ToString(CultureInfo.InvariantCulture)),
            (LinuxProperties.State, "up"),
            .. HasMac || mac is not null ? [(LinuxProperties.Mac, mac?.ToString())] : Array.Empty<(string, string?)>(),
            .. context.DeploymentProperty,
        ];
        return new HostResource
        {
            Kind = Kind,
            Name = name,
            Zone = zone,
            Properties = PropertyBag.Of(properties),
            DependsOn = Parents(name, netnsId, bridge),
        };
    }

    // A zone's pair goes with its namespace (deleted with it). A container's namespace is its runtime's and is never
    // deleted, so its pair is deleted on its own: the bridge is then not named as a parent, or deleting the bridge
    // (destroy) would be taken to remove it too, and its host end would stay behind, off any bridge.
    private static EquatableArray<ResourceId> Parents(string name, ResourceId netnsId, string bridge) =>
        bridge.Length == 0 || LinuxNaming.IsContainerNetns(LinuxNames.Split(name).Netns) ? [netnsId] : [netnsId, new ResourceId(BridgeKind.Definition.Name, bridge)];

    /// <summary>
    /// The pair as found from its end inside <paramref name="netns"/> (which carries NetVirt's alias) and its peer in
    /// the host namespace, if there is one; <paramref name="bridge"/> is the bridge the host end is on ("" for none).
    /// </summary>
    public HostResource Observed(string netns, string? zone, LinkObserved inside, OwnerAlias mark, LinkObserved? hostEnd, string bridge, ResourceId netnsId, LinuxContext context)
    {
        var hostMark = LinuxNaming.ParseAlias(hostEnd?.Alias);
        // Both ends are marked; an end whose mark differs (an interrupted rewrite) shows as unmarked, and the next apply marks both.
        var recorded = hostMark is null || hostMark.Deployment == mark.Deployment ? mark.Deployment : null;
        (string, string?)[] properties =
        [
            (LinuxProperties.HostEnd, hostEnd?.Name ?? ""),
            (LinuxProperties.Bridge, bridge),
            (LinuxProperties.Mtu, hostEnd is null || hostEnd.Mtu == inside.Mtu ? Text(inside.Mtu) : $"{Text(inside.Mtu)} (host end {Text(hostEnd.Mtu)})"),
            (LinuxProperties.State, inside.IsUp && hostEnd?.IsUp == true ? "up" : "down"),
            (LinuxProperties.Mac, inside.Mac?.ToString() ?? ""),
            (LinuxProperties.Deployment, recorded ?? ""),
        ];
        return context.Owner(new HostResource
        {
            Kind = Kind,
            Name = LinuxNames.Interface(netns, inside.Name),
            Zone = zone,
            Properties = PropertyBag.Of(properties),
            // Not on its bridge: deleting a bridge releases its ports, it does not delete them (a VNIC moves to
            // another bridge in place when its leaf of a tree goes), so the bridge's delete must not take the pair with
            // it; nor, then, is a container's pair (see Parents).
            DependsOn = [netnsId],
        }, mark.Deployment);
    }

    /// <summary>The alias of both ends.</summary>
    public string Alias(HostResource resource, LinuxContext context)
    {
        var (netns, inside) = LinuxNames.Split(resource.Name);
        // A container's VNIC keeps its namespace reference in the alias: observation finds the runtime's namespace from it.
        var owner = LinuxNaming.IsContainerNetns(netns) ? null : HasMac ? context.Naming.ZoneOfNetns(netns) : context.Naming.RouterOfNetns(netns);
        return context.Naming.Alias(AliasKind, $"{owner ?? netns}/{inside}");
    }

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var r = step.Resource;
        var p = r.Properties;
        var (netns, inside) = LinuxNames.Split(r.Name);
        var hostEnd = p[LinuxProperties.HostEnd]!;
        var alias = Alias(r, context);
        string[] mac = p[LinuxProperties.Mac] is { Length: > 0 } m ? ["address", m] : [];
        return step.Action switch
        {
            StepAction.Create =>
            [
                context.Ip(["link", "add", hostEnd, .. LinuxContext.OneQueue, "mtu", p[LinuxProperties.Mtu]!, "master", p[LinuxProperties.Bridge]!, "type", "veth", "peer", "name", inside, .. LinuxContext.OneQueue, .. mac, "mtu", p[LinuxProperties.Mtu]!, "netns", netns]),
                .. context.IpUpWithoutLinkLocal(hostEnd, "alias", alias, "master", p[LinuxProperties.Bridge]!, "up"),
                context.Ip("-n", netns, "link", "set", inside, "alias", alias, "up"),
            ],
            StepAction.Update =>
            [
                context.Ip("link", "set", hostEnd, "alias", alias, "master", p[LinuxProperties.Bridge]!, "mtu", p[LinuxProperties.Mtu]!, "up"),
                context.Ip(["-n", netns, "link", "set", inside, "alias", alias, .. mac, "mtu", p[LinuxProperties.Mtu]!, "up"]),
            ],
            _ => [context.Ip("link", "delete", hostEnd)],
        };
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var r = step.Step.Resource;
        var p = r.Properties;
        var hostEnd = p[LinuxProperties.HostEnd]!;
        if (step.Step.Action == StepAction.Delete)
        {
            // The peer goes with it.
            work.AddHost(step, new DeleteLinkRequest(hostEnd), Role.Delete);
            return;
        }

        var (netns, inside) = LinuxNames.Split(r.Name);
        var mtu = int.Parse(p[LinuxProperties.Mtu] ?? "", CultureInfo.InvariantCulture);
        var bridge = p[LinuxProperties.Bridge]!;
        MacAddress? mac = p[LinuxProperties.Mac] is { Length: > 0 } m ? MacAddress.Parse(m) : null;
        var alias = Alias(r, context);
        if (step.Step.Action == StepAction.Create)
        {
            // The host end is put on its bridge again when marked (a no-op when it is there), so that creating a pair that
            // is already there completes one left off its bridge: a container's host end detached by a DEL whose daemon
            // was killed before it released the attachment, when the runtime repeats ADD.
            work.AddHost(step, new CreateVethRequest(hostEnd, mtu, bridge, inside, mac, netns), Role.Create);
            work.AddHost(step, new SetLinkRequest(hostEnd) { Alias = alias, NoIpv6LinkLocal = true, Master = bridge, Up = true }, Role.Modify);
            QuietInContainer(step, work, netns, inside);
            work.AddInside(step, netns, new SetLinkRequest(inside) { Alias = alias, Up = true }, Role.Modify);
            return;
        }

        QuietInContainer(step, work, netns, inside);
        work.AddHost(step, new SetLinkRequest(hostEnd) { Alias = alias, Master = bridge, Mtu = mtu, Up = true }, Role.Modify);
        work.AddInside(step, netns, new SetLinkRequest(inside) { Alias = alias, Mac = mac, Mtu = mtu, Up = true }, Role.Modify);
    }

    /// <summary>
    /// A zone's namespace is NetVirt's and gets NetVirt's IPv6 settings when it is made (<see cref="NetnsKind.Sysctls"/>):
    /// no duplicate address detection, no router solicitations. A container's namespace is the runtime's and keeps the
    /// kernel's, so its interface gets them for itself, before it comes up (the work inside a namespace runs before its
    /// requests). Otherwise every container solicits routers for as long as it runs (the kernel's default never stops),
    /// each solicitation, like each detection, a multicast that the bridges flood to every port of the network and every
    /// other container's kernel has to drop: measured, each ADD on a network of 1,000 containers cost the host's kernel
    /// threads 3.5 ms more than on an empty one (docs/performance.md, CNI). Addresses come from IPAM, unique, and routes
    /// are static, so neither is needed. A kernel without IPv6 has nothing to quiet.
    /// </summary>
    private static void QuietInContainer(StepWork step, BatchWork work, string netns, string ifname)
    {
        if (!LinuxNaming.IsContainerNetns(netns))
        {
            return;
        }

        work.AddInside(step, netns, inside =>
        {
            foreach (var key in new[] { $"net/ipv6/conf/{ifname}/accept_dad", $"net/ipv6/conf/{ifname}/router_solicitations" })
            {
                try
                {
                    inside.WriteSysctl(key, "0");
                    step.Record(["sysctl", "-w", $"{key.Replace('/', '.')}=0"], null);
                }
                catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
                {
                    return; // no IPv6 in this kernel
                }
            }
        });
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
