using System.CommandLine;
using NetVirt.Cli.Output;
using NetVirt.Planning.Plans;

namespace NetVirt.Cli.Commands;

/// <summary><c>netvirt plan</c>: what apply would do to the host, without doing it.</summary>
public static class PlanCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var commands = new Option<bool>("--commands") { Description = "Show the commands behind each step" };
        var command = new Command("plan", "Show the steps that would bring the host to the desired state (create / change / replace / delete)") { commands };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var reconciler = context.Reconciler;
            var plan = await reconciler.PlanAsync(observeHost: true, cancellationToken);
            if (context.Json)
            {
                stdout.WriteLine(PlanJson.ToJson(plan.Plan, step => [.. reconciler.Backend.Describe(step).Select(c => c.ToString())]));
            }
            else
            {
                PlanPrinter.Print(stdout, plan, result.GetValue(commands), reconciler.Backend);
            }

            return plan.Plan.Problems.IsEmpty ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
