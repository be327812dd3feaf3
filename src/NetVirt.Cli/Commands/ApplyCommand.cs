using System.CommandLine;
using NetVirt.Cli.Output;
using NetVirt.Store;

namespace NetVirt.Cli.Commands;

/// <summary>
/// <c>netvirt apply -f FILE…</c>: stores the documents as the desired state (allocating MACs and addresses), then
/// reconciles the host unless <c>--store-only</c>.
/// </summary>
public static class ApplyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = CommonOptions.Files(required: false);
        var storeOnly = new Option<bool>("--store-only") { Description = "Store the desired state without touching the host" };
        var autoApprove = new Option<bool>("--auto-approve") { Description = "Apply without asking (for scripts)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Stop after showing the plan" };
        var keepGoing = new Option<bool>("--keep-going") { Description = "Continue after a failed step instead of rolling back this run" };
        var command = new Command("apply", "Store documents as the desired state and reconcile the host")
        {
            files, storeOnly, autoApprove, dryRun, keepGoing,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var paths = result.GetValue(files) ?? [];
            if (paths.Length > 0)
            {
                var (loaded, errors) = ValidateCommand.LoadAndValidate(paths, context.Target);
                if (errors.Count > 0)
                {
                    ErrorPrinter.Print(stderr, errors, loaded.Map);
                    return ExitCodes.InvalidInput;
                }

                WriteOutcome outcome;
                try
                {
                    outcome = context.Store.Replace(loaded.Model, context.Target);
                }
                catch (ModelValidationException ex)
                {
                    ErrorPrinter.Print(stderr, ex.Errors, loaded.Map);
                    return ExitCodes.InvalidInput;
                }

                stdout.WriteLine(outcome.Changed
                    ? $"stored desired state generation {outcome.Generation} in {context.DatabasePath}"
                    : $"desired state unchanged (generation {outcome.Generation})");
            }
            else if (result.GetValue(storeOnly))
            {
                throw new Model.Errors.InvalidInputException("--store-only needs documents to store: give them with -f FILE");
            }

            if (result.GetValue(storeOnly))
            {
                return ExitCodes.Ok;
            }

            var options = new Backends.Execution.ApplyOptions { KeepGoing = result.GetValue(keepGoing), Trigger = "cli" };
            var reconciler = await context.ReconcilerAsync(cancellationToken);
            var approve = Approval.Ask(context, reconciler, result.GetValue(autoApprove), result.GetValue(dryRun), "apply");
            var (plan, report) = await reconciler.ApplyAsync(options, approve, cancellationToken);
            return Finish(context, plan, report, result.GetValue(dryRun));
        });
        return command;
    }

    /// <summary>Reports how an apply (or destroy) went and picks the exit code.</summary>
    public static int Finish(CliContext context, Reconciliation.PlanResult plan, Backends.Execution.ApplyReport? report, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plan);
        if (context.Json)
        {
            context.WriteJson(new
            {
                plan.Generation,
                plan.Target,
                Summary = plan.Plan.Summary,
                Problems = plan.Plan.Problems.Select(p => new { p.Subject, p.Message }),
                Run = report is null ? null : new
                {
                    report.RunId,
                    Outcome = report.Outcome.ToString().ToLowerInvariant(),
                    report.Error,
                    Seconds = report.Duration.TotalSeconds,
                },
            });
        }
        else if (report is not null)
        {
            Output.PlanPrinter.PrintReport(context.Stdout, report);
        }

        if (!plan.Plan.Problems.IsEmpty)
        {
            return ExitCodes.Failure;
        }

        if (report is null)
        {
            if (!dryRun && !plan.Plan.Steps.IsEmpty && !context.Json)
            {
                context.Stdout.WriteLine("Nothing was changed.");
            }

            return ExitCodes.Ok;
        }

        return report.Succeeded ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
