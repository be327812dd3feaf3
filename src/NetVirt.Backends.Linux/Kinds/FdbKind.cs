using System.Net;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// Where frames for a VNIC on another host go (a model with hosts): named <c>{vxlan}/{mac}</c>, two kernel entries for
/// one model fact — the VXLAN device's own entry sending the MAC to the remote host's underlay address (<c>dst</c>), and
/// the bridge's static entry putting the MAC on the VXLAN port (<c>bridge-entry static</c>), so the bridge forwards
/// those frames to the tunnel instead of flooding them to the domain's zones. Written only on hosts that carry the
/// domain. A VNIC whose zone moved to another host gets its <c>dst</c> replaced in place; one that is gone, or now on this
/// host, is deleted: no stale entry is left. Entries go with their device.
/// </summary>
internal sealed class FdbKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create(
        "fdb", 30, [LinuxProperties.Destination, LinuxProperties.BridgeEntry], deletedWithParent: true);

    /// <summary>The one instance.</summary>
    public static readonly FdbKind Instance = new();

    /// <summary>The bridge entry as desired.</summary>
    public const string Static = "static";

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>The entries for <paramref name="mac"/> as the model wants them.</summary>
    public static HostResource Desired(string vxlan, MacAddress mac, IPAddress destination) => new()
    {
        Kind = Definition,
        Name = $"{vxlan}/{mac}",
        Properties = PropertyBag.Of((LinuxProperties.Destination, destination.ToString()), (LinuxProperties.BridgeEntry, Static)),
        DependsOn = [new ResourceId(VxlanKind.Definition.Name, vxlan)],
    };

    /// <summary>The entries for one MAC on an owned VXLAN device as found ("" for a part that is missing).</summary>
    public static HostResource Observed(string vxlan, MacAddress mac, IPAddress? destination, bool bridgeEntry) => new()
    {
        Kind = Definition,
        Name = $"{vxlan}/{mac}",
        Properties = PropertyBag.Of((LinuxProperties.Destination, destination?.ToString() ?? ""), (LinuxProperties.BridgeEntry, bridgeEntry ? Static : "")),
        DependsOn = [new ResourceId(VxlanKind.Definition.Name, vxlan)],
    };

    private static (string Device, MacAddress Mac) Split(HostResource resource)
    {
        var (device, mac) = LinuxNames.Split(resource.Name);
        return (device, MacAddress.Parse(mac));
    }

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var (device, mac) = Split(step.Resource);
        var dst = step.Resource.Properties[LinuxProperties.Destination];
        var bridge = context.Tools.Bridge;
        return step.Action == StepAction.Delete
            ?
            [
                CommandSpec.Of(bridge, "fdb", "del", mac.ToString(), "dev", device, "self"),
                CommandSpec.Of(bridge, "fdb", "del", mac.ToString(), "dev", device, "master"),
            ]
            :
            [
                CommandSpec.Of(bridge, "fdb", "replace", mac.ToString(), "dev", device, "dst", dst ?? "", "self", "permanent"),
                CommandSpec.Of(bridge, "fdb", "replace", mac.ToString(), "dev", device, "master", "static"),
            ];
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var (device, mac) = Split(step.Step.Resource);
        var p = step.Step.Resource.Properties;
        if (step.Step.Action == StepAction.Delete)
        {
            // Only the parts that are there: deleting an absent entry answers ENOENT, which a delete takes as done.
            var dst = p[LinuxProperties.Destination] is { Length: > 0 } d ? IPAddress.Parse(d) : null;
            work.AddHost(step, new FdbRequest(false, device, mac, Self: true, dst), Role.Delete);
            work.AddHost(step, new FdbRequest(false, device, mac, Self: false, null), Role.Delete);
            return;
        }

        work.AddHost(step, new FdbRequest(true, device, mac, Self: true, IPAddress.Parse(p[LinuxProperties.Destination] ?? "")), Role.Modify);
        work.AddHost(step, new FdbRequest(true, device, mac, Self: false, null), Role.Modify);
    }
}
