using NetVirt.Cli.Services;
using NetVirt.Planning.Plans;

namespace NetVirt.Cli.Output;

/// <summary>Prints a plan the way Terraform does: one line per step with its symbol and reason, then the counts.</summary>
public static class PlanPrinter
{
    /// <summary>Writes the plan for people.</summary>
    public static void Print(TextWriter writer, PlanOutcome result, bool showCommands)
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
            writer.WriteLine($"{step.Index,5} {symbol} {step.Resource.ToString().PadRight(width)}  {reason}{disrupts}");
            if (showCommands)
            {
                foreach (var command in result.Commands(step))
                {
                    writer.WriteLine($"{"",10}$ {command}");
                }
            }
        }

        writer.WriteLine();
        writer.WriteLine($"Plan: {plan.Summary}.");
        if (plan.DisruptedZones.Count > 0)
        {
            writer.WriteLine($"Interrupts traffic of zone{(plan.DisruptedZones.Count == 1 ? "" : "s")}: {string.Join(", ", plan.DisruptedZones)}.");
        }
    }

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
