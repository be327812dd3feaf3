using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux.Execution;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Kinds;

/// <summary>
/// The nftables bridge-family table <c>bridge {prefix}</c> with the anti-spoofing sets, the base chain and the chain
/// that keeps the host out of the networks (<see cref="NftRuleset"/>). Its rules are rewritten in place; its mark (the comment of the table and of its
/// <c>vnics</c> set) and its sets' declarations cannot be changed in place, so marking a table made before deployment
/// ids, or a table whose sets an earlier version declared otherwise, rewrites the whole table with every element it
/// holds in one transaction: no frame passes unfiltered meanwhile.
/// </summary>
internal sealed class NftTableKind : LinuxKind
{
    /// <summary>The kind.</summary>
    public static readonly ResourceKind Definition = ResourceKind.Create("nft-table", 10, [LinuxProperties.Rules, LinuxProperties.Deployment, LinuxProperties.Sets]);

    /// <summary>The one instance.</summary>
    public static readonly NftTableKind Instance = new();

    /// <summary>Alias kind of the table's mark.</summary>
    public const string AliasKind = "table";

    /// <inheritdoc />
    public override ResourceKind Kind => Definition;

    /// <summary>The table as the model wants it.</summary>
    public static HostResource Desired(LinuxContext context) => new()
    {
        Kind = Definition,
        Name = LinuxNames.Table(context.Table),
        Properties = PropertyBag.Of([(LinuxProperties.Sets, NftRuleset.SetsProperty), (LinuxProperties.Rules, NftRuleset.RulesProperty(context.Naming.OwnerMark)), .. context.DeploymentProperty]),
    };

    /// <summary>The table as listed.</summary>
    public static HostResource Observed(NftTableObserved table, LinuxContext context)
    {
        var mark = LinuxNaming.ParseAlias(table.Comment) is { Kind: AliasKind } a ? a : null;
        return context.Owner(new HostResource
        {
            Kind = Definition,
            Name = LinuxNames.Table(context.Table),
            Properties = PropertyBag.Of(
                (LinuxProperties.Sets, table.Sets),
                (LinuxProperties.Rules, table.Rules),
                (LinuxProperties.Deployment, LinuxContext.Recorded(mark))),
        }, mark?.Deployment);
    }

    /// <inheritdoc />
    public override IReadOnlyList<CommandSpec> Describe(PlanStep step, LinuxContext context) => step.Action switch
    {
        StepAction.Create => [context.Nft(Create(context))],
        StepAction.Update when Rewrites(step) => [context.Nft([$"delete table bridge {context.Table}", .. Create(context), "# … and every element the table held, in the same transaction"])],
        StepAction.Update => [context.Nft(NftRuleset.RewriteRules(context.Table, context.Naming.OwnerMark))],
        _ => [CommandSpec.Of(context.Tools.Nft, "delete", "table", "bridge", context.Table)],
    };

    /// <inheritdoc />
    public override void Schedule(StepWork step, BatchWork work, LinuxContext context)
    {
        switch (step.Step.Action)
        {
            case StepAction.Create:
                // Every line is an "add" or a rewrite: creating a table that is there already changes nothing.
                work.Nft.Add(new NftWork(step, false, _ => [.. Create(context)]));
                break;
            case StepAction.Update when Rewrites(step.Step):
                work.Nft.Add(new NftWork(step, true, table => table is null
                    ? [.. Create(context)]
                    : [$"delete table bridge {context.Table}", .. Create(context), .. table.Ports.Values.SelectMany(p => NftRuleset.ElementCommands("add", context.Table, NftRuleset.Elements(p)))]));
                break;
            case StepAction.Update:
                work.Nft.Add(new NftWork(step, false, _ => [.. NftRuleset.RewriteRules(context.Table, context.Naming.OwnerMark)]));
                break;
            default:
                work.Nft.Add(new NftWork(step, true, table =>
                {
                    step.NoOp = table is null;
                    return table is null ? null : [$"delete table bridge {context.Table}"];
                }));
                break;
        }
    }

    private static IEnumerable<string> Create(LinuxContext context) => NftRuleset.CreateTable(context.Table, context.Naming.Alias(AliasKind, context.Table), context.Naming.OwnerMark);

    // A new mark or new set declarations: the table is made again, with its elements, in one transaction.
    private static bool Rewrites(PlanStep step) => step.Changes.Any(c => c.Property is LinuxProperties.Deployment or LinuxProperties.Sets);
}
