using System.CommandLine;
using NetVirt.Backends.Illumos;
using NetVirt.Backends.Illumos.Scripts;
using NetVirt.Cli.Output;
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
        var command = new Command("plan", "Show the steps that would bring the host to the desired state (create / change / replace / delete)") { commands, format, variant };
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

            var plan = await context.Service.PlanAsync(context.ObserveHost, destroy: false, cancellationToken);
            if (context.Json)
            {
                stdout.WriteLine(PlanJson.ToJson(plan.Plan, plan.Commands));
            }
            else
            {
                PlanPrinter.Print(stdout, plan, result.GetValue(commands));
            }

            return plan.Plan.Problems.IsEmpty ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
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
