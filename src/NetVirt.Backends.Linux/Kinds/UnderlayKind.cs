using System.Globalization;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Netlink;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// A requirement of a host with an overlay, never created or changed: an interface of the host carries its underlay
/// address (named by it), with an MTU of at least the largest overlay domain's MTU plus the VXLAN overhead (VXLAN
/// frames must not be fragmented, RFC 7348 section 4.3). Missing (a wrong <c>--host</c>, an address not configured yet)
/// or too small, it blocks the plan with the planner's own words.
/// </summary>
internal sealed class UnderlayKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create("underlay", 0, []);

    /// <summary>The one instance.</summary>
    public static readonly UnderlayKind Instance = new();

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>What the overlay needs of the underlay address <paramref name="address"/>.</summary>
    public static HostResource Required(string address, int mtu) => new()
    {
        Kind = Definition,
        Name = address,
        Owned = false,
        Properties = PropertyBag.Of((LinuxProperties.UnderlayMtu, AtLeast(mtu))),
    };

    /// <summary>The interface that carries the underlay address as found: its MTU meets <paramref name="needed"/> or is shown with its name.</summary>
    public static HostResource Observed(string address, LinkObserved link, int needed) => new()
    {
        Kind = Definition,
        Name = address,
        Owned = false,
        Properties = PropertyBag.Of((LinuxProperties.UnderlayMtu, link.Mtu >= needed ? AtLeast(needed) : $"{link.Mtu.ToString(CultureInfo.InvariantCulture)} on {link.Name}")),
    };

    private static string AtLeast(int mtu) => $"{mtu.ToString(CultureInfo.InvariantCulture)} or more";

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context) => [];

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context) =>
        step.Fail("the underlay is the host's own: NetVirt never changes it");
}
