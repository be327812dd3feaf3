using NetVirt.Cli.Output;
using NetVirt.Cli.Services;
using NetVirt.Model.Errors;

namespace NetVirt.Cli.Commands;

/// <summary>Shows a plan and asks before changing the host, as Terraform does; scripts pass <c>--auto-approve</c>.</summary>
public static class Approval
{
    /// <summary>
    /// A callback for an apply or destroy: prints the plan, then returns true when approved. Without a terminal and
    /// without <paramref name="autoApprove"/>, refuses with an error that says how to approve.
    /// </summary>
    public static Func<PlanOutcome, bool> Ask(CliContext context, bool autoApprove, bool dryRun, string verb) => plan =>
    {
        ArgumentNullException.ThrowIfNull(context);
        // Quiet and pre-approved, the plan is not shown; anyone asked to approve it sees it, and so does a dry run.
        if (!context.Json && !(context.Quiet && autoApprove && !dryRun))
        {
            PlanPrinter.Print(context.Stdout, plan, showCommands: false, PlanDetail.Auto, context.Color);
        }

        if (dryRun || !plan.Plan.Problems.IsEmpty || plan.Plan.Steps.IsEmpty)
        {
            return false;
        }

        if (autoApprove)
        {
            return true;
        }

        if (Console.IsInputRedirected)
        {
            throw new InvalidInputException($"{verb} changes the host and needs approval: run it in a terminal, or pass --auto-approve");
        }

        context.Stdout.Write($"\nDo you want to {verb} these changes? Only 'yes' will be accepted: ");
        var answer = Console.ReadLine();
        return string.Equals(answer?.Trim(), "yes", StringComparison.Ordinal);
    };
}
