using System.CommandLine;

namespace NetVirt.Cli.Commands;

/// <summary><c>netvirt destroy</c>: removes every host object NetVirt owns and nothing else. The stored desired state stays.</summary>
public static class DestroyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var autoApprove = new Option<bool>("--auto-approve") { Description = "Destroy without asking (for scripts)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Stop after showing the plan" };
        var command = new Command("destroy", """
            Remove every host object NetVirt created (the desired state stays in the database)

            Examples:
              netvirt destroy --dry-run                      # what would go
              netvirt destroy --auto-approve
            """) { autoApprove, dryRun };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            context.RequireHost("destroy");
            var approve = Approval.Ask(context, result.GetValue(autoApprove), result.GetValue(dryRun), "destroy");
            var (plan, run) = await context.Service.ApplyAsync(new Backends.Execution.ApplyOptions { Trigger = "cli" }, destroy: true, approve, cancellationToken);
            return ApplyCommand.Finish(context, plan, run, result.GetValue(dryRun));
        });
        return command;
    }
}
