using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Spec;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// One port's elements in the nftables table's sets (<see cref="NftRuleset.Elements(string, PropertyBag)"/>): for a
/// VNIC, its host end with its flags, MAC, DHCP client address and allowed sources; set before the veth exists, so no
/// frame leaves a new VNIC unfiltered; goes with the table. Elements found for a port no VNIC explains (added by hand)
/// observe as a protection named <c>-/{port}</c> and are deleted. A delete first names the elements the resource stands
/// for, without listing the table; when one is not there the transaction fails whole and changes nothing, and the delete
/// is reconciled element by element against the table as listed, like every other change, so nothing absent is ever
/// deleted.
/// </summary>
internal sealed class ProtectionKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create(
        "protection", 10, [LinuxProperties.Flags, LinuxProperties.AllowedMac, LinuxProperties.DhcpChaddr, LinuxProperties.AllowedIps], deletedWithParent: true);

    /// <summary>The one instance.</summary>
    public static readonly ProtectionKind Instance = new();

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>A VNIC's protection as the model wants it.</summary>
    public static HostResource Desired(string name, string zone, string port, Protection protection, string mac, string allowedIps, ResourceId table) => new()
    {
        Kind = Definition,
        Name = name,
        Zone = zone,
        Properties = PropertyBag.Of(
            (LinuxProperties.Port, port),
            (LinuxProperties.Flags, SpecNames.Format(protection)),
            (LinuxProperties.AllowedMac, protection.HasFlag(Protection.MacNospoof) ? mac : ""),
            (LinuxProperties.DhcpChaddr, protection.HasFlag(Protection.DhcpNospoof) ? mac : ""),
            (LinuxProperties.AllowedIps, allowedIps)),
        DependsOn = [table],
    };

    /// <summary>
    /// The protection of a VXLAN port (a model with hosts): frames arriving from other hosts must come from one of
    /// <paramref name="macs"/> (the domain's VNICs on other hosts and the anycast gateways routing into it) and be ARP,
    /// IPv4 or IPv6 (no 802.1Q tag), so a forged or tagged frame injected on the underlay goes no further than the tunnel.
    /// The sources of IP packets are checked where they enter, on the sending host's VNIC port. Named <c>overlay/{port}</c>.
    /// </summary>
    public static HostResource Overlay(string port, IEnumerable<string> macs, ResourceId table) => new()
    {
        Kind = Definition,
        Name = LinuxNames.Interface(OverlayOwner, port),
        Properties = PropertyBag.Of(
            (LinuxProperties.Port, port),
            (LinuxProperties.Flags, SpecNames.Format(Protection.MacNospoof | Protection.Restricted)),
            (LinuxProperties.AllowedMac, NftPortObserved.Join(macs)),
            (LinuxProperties.DhcpChaddr, ""),
            (LinuxProperties.AllowedIps, "")),
        DependsOn = [table],
    };

    /// <summary>The first part of the name of a VXLAN port's protection.</summary>
    public const string OverlayOwner = "overlay";

    /// <summary>A port's elements as listed; named by the <c>vnics</c> comment, else <c>-/{port}</c>.</summary>
    public static HostResource Observed(NftPortObserved port, LinuxNaming naming, ResourceId table)
    {
        var name = port.Identity ?? LinuxNames.Interface("-", port.Port);
        var netns = port.Identity is not null && port.Identity.Contains('/', StringComparison.Ordinal) ? LinuxNames.Split(port.Identity).Netns : "";
        return new HostResource
        {
            Kind = Definition,
            Name = name,
            Zone = naming.ZoneOfNetns(netns),
            Properties = PropertyBag.Of(
                (LinuxProperties.Port, port.Port),
                (LinuxProperties.Flags, SpecNames.Format(port.Flags)),
                (LinuxProperties.AllowedMac, NftPortObserved.Join(port.Macs)),
                (LinuxProperties.DhcpChaddr, NftPortObserved.Join(port.Chaddrs)),
                (LinuxProperties.AllowedIps, NftPortObserved.Join(port.Allowed))),
            DependsOn = [table],
        };
    }

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context)
    {
        var r = step.Resource;
        var now = NftRuleset.Elements(r.Name, r.Properties);
        IReadOnlyList<string> lines = step.Action switch
        {
            StepAction.Create => [.. NftRuleset.ElementCommands("add", context.Table, now)],
            StepAction.Delete => [.. NftRuleset.ElementCommands("delete", context.Table, now)],
            _ => NftRuleset.Reconcile(context.Table, NftRuleset.Elements(r.Name, step.Changes.Aggregate(r.Properties, (bag, c) => bag.With(c.Property, c.From))), now),
        };
        return [context.Nft(lines)];
    }

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        var r = step.Step.Resource;
        var port = r.Properties[LinuxProperties.Port] ?? "";
        if (step.Step.Action == StepAction.Create)
        {
            // Adding an element that is there already changes nothing: no need to read the table first.
            work.Nft.Add(new NftWork(step, false, _ => [.. NftRuleset.ElementCommands("add", context.Table, NftRuleset.Elements(r.Name, r.Properties))]));
            return;
        }

        var delete = step.Step.Action == StepAction.Delete;
        var wanted = delete ? [] : NftRuleset.Elements(r.Name, r.Properties).ToList();
        work.Nft.Add(new NftWork(step, true, table =>
        {
            var present = table is not null && table.Ports.TryGetValue(port, out var listed) ? NftRuleset.Elements(listed).ToList() : [];
            var lines = NftRuleset.Reconcile(context.Table, present, wanted);
            step.NoOp = lines.Count == 0 && delete;
            return lines.Count == 0 ? null : lines;
        })
        {
            // A delete first names exactly the elements the resource stands for (a CNI DEL, an observed port): no listing
            // of the whole table when they are all there, which is the common case.
            Expected = delete ? [.. NftRuleset.ElementCommands("delete", context.Table, NftRuleset.Elements(r.Name, r.Properties))] : null,
        });
    }
}
