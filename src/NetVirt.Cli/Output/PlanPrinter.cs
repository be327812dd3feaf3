using NetVirt.Cli.Services;
using NetVirt.Planning.Plans;

namespace NetVirt.Cli.Output;

/// <summary>
/// Prints a plan the way Terraform does: one line per step with its symbol and reason, then the counts. A plan of more
/// than <see cref="SummaryAbove"/> steps prints as a summary (counts per change and object kind) unless asked for in
/// full. With <c>color</c> (a terminal, and <c>NO_COLOR</c> unset) creations are green, changes yellow, deletions red.
/// </summary>
public static class PlanPrinter
{
    /// <summary>Plans with more steps print as a summary unless <see cref="PlanDetail.Full"/> is asked for.</summary>
    public const int SummaryAbove = 100;

    /// <summary>Zones named in a summary before "and N more".</summary>
    public const int ZonesNamed = 10;

    private const string Reset = "\u001b[0m";

    /// <summary>Writes the plan for people.</summary>
    public static void Print(TextWriter writer, PlanOutcome result, bool showCommands, PlanDetail detail = PlanDetail.Auto, bool color = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        var plan = result.Plan;
        if (!result.HostObserved)
        {
            writer.WriteLine($"note: the {result.Target} host was not observed; this plan assumes its zones and links exist and builds everything else from scratch.");
        }

        foreach (var other in plan.OtherDeployments)
        {
            // Objects of the prefix another database made: never changed or deleted by this one.
            writer.WriteLine($"note: {other}.");
        }

        if (!plan.Problems.IsEmpty)
        {
            writer.WriteLine($"The plan cannot be applied ({plan.Problems.Count} problem{(plan.Problems.Count == 1 ? "" : "s")}):");
            foreach (var problem in plan.Problems)
            {
                writer.WriteLine($"  ! {problem.Subject}: {problem.Message}");
            }

            writer.WriteLine();
        }

        if (plan.Steps.IsEmpty)
        {
            writer.WriteLine($"No changes: the {result.Target} host matches the desired state (generation {result.Generation}).");
            return;
        }

        var summary = detail == PlanDetail.Summary || (detail == PlanDetail.Auto && plan.Steps.Count > SummaryAbove);
        if (summary)
        {
            PrintSummary(writer, result, color);
            return;
        }

        writer.WriteLine($"NetVirt will perform these actions on the {result.Target} host (desired state generation {result.Generation}):");
        writer.WriteLine();
        var width = plan.Steps.Max(s => s.Resource.ToString().Length);
        foreach (var step in plan.Steps)
        {
            var symbol = (step.Change, step.Action) switch
            {
                (ChangeKind.Create, _) => "  +",
                (ChangeKind.Change, _) => "  ~",
                (ChangeKind.Replace, StepAction.Delete) => "-/+",
                (ChangeKind.Replace, _) => "+/-",
                _ => "  -",
            };
            var reason = step.Reason.StartsWith(step.Resource + ": ", StringComparison.Ordinal) ? step.Reason[(step.Resource.ToString().Length + 2)..] : step.Reason;
            var disrupts = step.Disrupts is { } zone ? $"  [disrupts zone {zone}]" : "";
            writer.WriteLine($"{step.Index,5} {Paint(symbol, step.Change, color)} {Api.Views.DisplayText.Escape($"{step.Resource.ToString().PadRight(width)}  {reason}{disrupts}")}");
            if (showCommands)
            {
                foreach (var command in result.Commands(step))
                {
                    writer.WriteLine($"{"",10}$ {command}");
                }
            }
        }

        writer.WriteLine();
        writer.WriteLine(color ? $"\u001b[1mPlan:{Reset} {plan.Summary}." : $"Plan: {plan.Summary}.");
        if (plan.DisruptedZones.Count > 0)
        {
            writer.WriteLine($"Interrupts traffic of zone{(plan.DisruptedZones.Count == 1 ? "" : "s")}: {string.Join(", ", plan.DisruptedZones)}.");
        }
    }

    /// <summary>Writes what IPAM would hand out and release (a dry run): one line per VNIC.</summary>
    public static void PrintAllocations(TextWriter writer, IReadOnlyList<Api.Views.AllocationView> allocations)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(allocations);
        writer.WriteLine();
        if (allocations.Count == 0)
        {
            writer.WriteLine("Addresses: none would be allocated or released.");
            return;
        }

        writer.WriteLine("Addresses and MACs this apply would allocate (+) and release (-):");
        foreach (var a in allocations)
        {
            var what = string.Join(" ", new[] { a.Mac }.Concat(a.Addresses).OfType<string>());
            writer.WriteLine($"  {(a.Change == "allocate" ? "+" : "-")} {a.Zone}/{a.Vnic}  {what}");
        }

        writer.WriteLine();
    }

    /// <summary>The plan as counts per change and object kind, the zones it interrupts, and how to see every step.</summary>
    private static void PrintSummary(TextWriter writer, PlanOutcome result, bool color)
    {
        var plan = result.Plan;
        writer.WriteLine($"NetVirt will perform {plan.Steps.Count:N0} actions on the {result.Target} host (desired state generation {result.Generation}); in summary:");
        writer.WriteLine();
        foreach (var group in plan.Steps.Where(s => s.Change != ChangeKind.Replace || s.Action != StepAction.Delete).GroupBy(s => s.Change).OrderBy(g => g.Key))
        {
            var (symbol, verb) = group.Key switch
            {
                ChangeKind.Create => ("  +", "create "),
                ChangeKind.Change => ("  ~", "change "),
                ChangeKind.Replace => ("-/+", "replace"),
                _ => ("  -", "delete "),
            };
            var kinds = group.GroupBy(s => s.Resource.Kind.Name, StringComparer.Ordinal).Select(k => $"{k.Count():N0} {k.Key}");
            writer.WriteLine($"{Paint(symbol, group.Key, color)} {verb}  {string.Join(", ", kinds)}");
        }

        writer.WriteLine();
        writer.WriteLine(color ? $"\u001b[1mPlan:{Reset} {plan.Summary}." : $"Plan: {plan.Summary}.");
        var zones = plan.DisruptedZones;
        if (zones.Count > 0)
        {
            writer.WriteLine($"Interrupts traffic of {zones.Count:N0} zone{(zones.Count == 1 ? "" : "s")}: {string.Join(", ", zones.Take(ZonesNamed))}{(zones.Count > ZonesNamed ? $", and {zones.Count - ZonesNamed:N0} more" : "")}.");
        }

        writer.WriteLine($"This is a summary of {plan.Steps.Count:N0} steps: 'netvirt plan --full' lists every one ('--output json' for scripts).");
    }

    /// <summary>The step symbol in its colour: creations green, changes yellow, replacements magenta, deletions red.</summary>
    private static string Paint(string symbol, ChangeKind change, bool color) => !color ? symbol : change switch
    {
        ChangeKind.Create => $"\u001b[32m{symbol}{Reset}",
        ChangeKind.Change => $"\u001b[33m{symbol}{Reset}",
        ChangeKind.Replace => $"\u001b[35m{symbol}{Reset}",
        _ => $"\u001b[31m{symbol}{Reset}",
    };

    /// <summary>Writes how a run went: counts per outcome, the failure and the rollback.</summary>
    public static void PrintReport(TextWriter writer, RunSummary report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        var counts = string.Join(", ", report.Applied.Select(a => $"{a.Count} {a.Outcome}"));
        writer.WriteLine($"Run {report.RunId}: {report.Outcome} in {report.Seconds:0.00} s ({counts}).");
        if (report.Error is { } error)
        {
            writer.WriteLine($"  error: {error}");
        }

        if (report.Compensations > 0)
        {
            writer.WriteLine($"  rollback: {report.CompensationsSucceeded} of {report.Compensations} compensations succeeded; 'netvirt history {report.RunId}' shows every step.");
        }
    }
}
