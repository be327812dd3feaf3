using System.CommandLine;
using NetVirt.Cli.Output;
using NetVirt.Cli.Services;
using NetVirt.Documents;
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
                var loaded = DocumentLoader.LoadFiles(paths);
                var errors = await context.Service.ValidateAsync(loaded, cancellationToken);
                if (errors.Count > 0)
                {
                    ErrorPrinter.Print(stderr, errors, loaded.Map);
                    return ExitCodes.InvalidInput;
                }

                WriteOutcome outcome;
                try
                {
                    outcome = await context.Service.StoreAsync(loaded.Model, cancellationToken);
                }
                catch (ModelValidationException ex)
                {
                    ErrorPrinter.Print(stderr, ex.Errors, loaded.Map);
                    return ExitCodes.InvalidInput;
                }

                stdout.WriteLine(outcome.Changed
                    ? $"stored desired state generation {outcome.Generation} in {context.Where}"
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
            var approve = Approval.Ask(context, result.GetValue(autoApprove), result.GetValue(dryRun), "apply");
            var (plan, run) = await context.Service.ApplyAsync(options, destroy: false, approve, cancellationToken);
            return Finish(context, plan, run, result.GetValue(dryRun));
        });
        return command;
    }

    /// <summary>Reports how an apply (or destroy) went and picks the exit code.</summary>
    public static int Finish(CliContext context, PlanOutcome plan, RunSummary? run, bool dryRun)
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
                Run = run is null ? null : new { run.RunId, run.Outcome, run.Error, run.Seconds },
            });
        }
        else if (run is not null)
        {
            PlanPrinter.PrintReport(context.Stdout, run);
        }

        if (!plan.Plan.Problems.IsEmpty)
        {
            return ExitCodes.Failure;
        }

        if (run is null)
        {
            if (!dryRun && !plan.Plan.Steps.IsEmpty && !context.Json)
            {
                context.Stdout.WriteLine("Nothing was changed.");
            }

            return ExitCodes.Ok;
        }

        return run.Succeeded ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
