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
/// A remote VNIC's address for the VXLAN device's neighbour proxy (a model with hosts): named <c>{vxlan}/{address}</c>
/// with the VNIC's MAC as <c>lladdr</c>, a permanent neighbour entry on the device, from which the device answers ARP
/// requests and neighbour solicitations of this host's zones and router for that address itself (Neutron's ARP
/// responder): no broadcast or multicast crosses to other hosts. Changes in place (replace); goes with its device.
/// </summary>
internal sealed class NeighbourKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create("neighbour", 30, [LinuxProperties.LinkLayerAddress], deletedWithParent: true);

    /// <summary>The one instance.</summary>
    public static readonly NeighbourKind Instance = new();

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>The entry for <paramref name="address"/> (desired or observed).</summary>
    public static HostResource Of(string vxlan, IPAddress address, MacAddress? mac) => new()
    {
        Kind = Definition,
        Name = $"{vxlan}/{address}",
        Properties = PropertyBag.Of((LinuxProperties.LinkLayerAddress, mac?.ToString() ?? "")),
        DependsOn = [new ResourceId(VxlanKind.Definition.Name, vxlan)],
    };

    private static (string Device, IPAddress Address) Split(HostResource resource)
    {
        var (device, address) = LinuxNames.Split(resource.Name);
        return (device, IPAddress.Parse(address));
    }

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var (device, address) = Split(step.Resource);
        return step.Action == StepAction.Delete
            ? [context.Ip("neigh", "del", address.ToString(), "dev", device)]
            : [context.Ip("neigh", "replace", address.ToString(), "lladdr", step.Resource.Properties[LinuxProperties.LinkLayerAddress] ?? "", "dev", device, "nud", "permanent")];
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var (device, address) = Split(step.Step.Resource);
        var lladdr = step.Step.Resource.Properties[LinuxProperties.LinkLayerAddress];
        var mac = lladdr is { Length: > 0 } m ? MacAddress.Parse(m) : default;
        work.AddHost(step, new NeighbourRequest(step.Step.Action != StepAction.Delete, device, address, mac), step.Step.Action == StepAction.Delete ? Role.Delete : Role.Modify);
    }
}
