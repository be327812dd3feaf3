using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// An address on an interface inside a namespace, named <c>{netns}/{interface}/{address}/{prefix}</c>; its identity is
/// all there is to it. IPv6 is added without duplicate address detection (NetVirt guarantees uniqueness itself).
/// </summary>
internal sealed class AddressKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create("address", 30, [], deletedWithParent: true);

    /// <summary>The one instance.</summary>
    public static readonly AddressKind Instance = new();

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>An address on <paramref name="link"/> (a veth, leg or macvlan resource) inside <paramref name="netns"/>.</summary>
    public static HostResource Of(string netns, string ifname, InterfaceAddress address, string? zone, ResourceId netnsId, ResourceId link) => new()
    {
        Kind = Definition,
        Name = LinuxNames.Address(netns, ifname, address.ToString()),
        Zone = zone,
        DependsOn = [netnsId, link],
    };

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var (netns, ifname, address) = LinuxNames.SplitAddress(step.Resource.Name);
        var v6 = address.Contains(':', StringComparison.Ordinal);
        return step.Action == StepAction.Delete
            ? [context.Ip("-n", netns, "address", "del", address, "dev", ifname)]
            : [context.Ip(["-n", netns, "address", "add", address, "dev", ifname, .. v6 ? ["nodad"] : Array.Empty<string>()])];
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var (netns, ifname, address) = LinuxNames.SplitAddress(step.Step.Resource.Name);
        var delete = step.Step.Action == StepAction.Delete;
        // Deleting an address of an interface that is gone finds nothing to delete (ENODEV: a no-op).
        work.AddInside(step, netns, new AddressRequest(!delete, InterfaceAddress.Parse(address), ifname), delete ? Role.Delete : Role.Create);
    }
}
