using System.CommandLine;
using NetVirt.Backends.Illumos;
using NetVirt.Backends.Illumos.Scripts;
using NetVirt.Cli.Output;
using NetVirt.Cli.Services;
using NetVirt.Model.Errors;
using NetVirt.Planning.Plans;

namespace NetVirt.Cli.Commands;

/// <summary>
/// <c>netvirt plan</c>: what apply would do to the host, without doing it; as a readable diff, as JSON, or (for
/// illumos) as a POSIX shell script an operator can review and run.
/// </summary>
public static class PlanCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var commands = new Option<bool>("--commands") { Description = "Show the commands behind each step" };
        var format = new Option<string>("--format") { Description = "text (default) or script (illumos: a POSIX sh script of the exact commands)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "script");
        var variant = VariantOption();
        var summary = new Option<bool>("--summary") { Description = $"Print counts per change and object kind instead of every step (the default above {PlanPrinter.SummaryAbove} steps)" };
        var full = new Option<bool>("--full") { Description = "Print every step, however many" };
        var output = new Option<string?>("--out") { Description = "Also save the plan to this file; 'netvirt apply FILE' then applies exactly it, and refuses when the desired state or the host has changed since" };
        var command = new Command("plan", """
            Show the steps that would bring the host to the desired state (create / change / replace / delete)

            Examples:
              netvirt plan                                  # every step, or a summary for large plans
              netvirt plan --full --commands                # every step with the commands it runs
              netvirt plan --out tonight.plan && netvirt apply tonight.plan
              netvirt plan --target illumos --format script > apply.sh
            """) { commands, format, variant, summary, full, output };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            context.BackendOptions = context.BackendOptions with { IllumosVariant = ParseVariant(result.GetValue(variant)) };
            if (result.GetValue(format) == "script")
            {
                if (context.Server is not null)
                {
                    throw new InvalidInputException("--format script writes an illumos operator script from the local database; run it without --server (or export the state and plan locally)");
                }

                var reconciler = await context.ReconcilerAsync(cancellationToken);
                if (reconciler.Backend is not IllumosBackend illumos)
                {
                    throw new InvalidInputException("--format script writes an illumos operator script; use it with --target illumos");
                }

                var scripted = await reconciler.PlanAsync(context.ObserveHost, cancellationToken);
                stdout.Write(IllumosScript.Write(scripted.Plan, illumos));
                return scripted.Plan.Problems.IsEmpty ? ExitCodes.Ok : ExitCodes.Failure;
            }

            if (result.GetValue(summary) && result.GetValue(full))
            {
                throw new InvalidInputException("--summary and --full ask for opposite things; give one");
            }

            PlanOutcome plan;
            if (result.GetValue(output) is { } file)
            {
                plan = await SaveAsync(context, file, cancellationToken);
            }
            else
            {
                plan = await context.Service.PlanAsync(context.ObserveHost, destroy: false, cancellationToken);
            }

            if (context.Json)
            {
                stdout.WriteLine(PlanJson.ToJson(plan.Plan, plan.Commands));
            }
            else
            {
                PlanPrinter.Print(stdout, plan, result.GetValue(commands),
                    result.GetValue(summary) ? PlanDetail.Summary : result.GetValue(full) || result.GetValue(commands) ? PlanDetail.Full : PlanDetail.Auto, context.Color);
            }

            if (result.GetValue(output) is { } saved && plan.Plan.Problems.IsEmpty)
            {
                (context.Json ? stderr : stdout).WriteLine(plan.Plan.Steps.IsEmpty
                    ? $"Saved the plan to {saved}: it has nothing to do."
                    : $"Saved the plan to {saved}: 'netvirt apply {saved}' applies exactly these steps, and refuses if the desired state or the host changes first.");
            }

            return plan.Plan.Problems.IsEmpty ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>Plans against this host and saves the plan with what it was computed from (<see cref="Plans.SavedPlan"/>).</summary>
    private static async Task<PlanOutcome> SaveAsync(CliContext context, string file, CancellationToken cancellationToken)
    {
        if (context.Server is not null)
        {
            throw new InvalidInputException("--out saves a plan of this host to apply here; run it without --server");
        }

        context.RequireHost("plan --out");
        var reconciler = await context.ReconcilerAsync(cancellationToken);
        var planned = await reconciler.PlanAsync(observeHost: true, cancellationToken);
        var outcome = PlanOutcome.From(planned, reconciler.Backend);
        if (planned.Plan.Problems.IsEmpty)
        {
            Plans.SavedPlan.From(planned, context.BackendOptions.Prefix, context.Database.Display, outcome.Commands, DateTimeOffset.UtcNow).Write(file);
        }

        return outcome;
    }

    /// <summary><c>--variant smartos|illumos</c>: which illumos code line to write for when the host is not observed.</summary>
    public static Option<string?> VariantOption()
    {
        var option = new Option<string?>("--variant") { Description = "illumos code line: smartos or illumos (default: probed on an illumos host, smartos elsewhere)" };
        option.AcceptOnlyFromAmong("smartos", "illumos");
        return option;
    }

    /// <summary>The variant named on the command line, or null.</summary>
    public static IllumosVariant? ParseVariant(string? value) => value switch
    {
        "smartos" => IllumosVariant.SmartOs,
        "illumos" => IllumosVariant.Illumos,
        _ => null,
    };
}
