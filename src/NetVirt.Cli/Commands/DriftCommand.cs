using System.CommandLine;

namespace NetVirt.Cli.Commands;

/// <summary><c>netvirt drift</c>: what on the host differs from the desired state, field by field; exit 3 when anything does.</summary>
public static class DriftCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("drift", """
            Compare the host with the desired state field by field (exit 3 when they differ; 'apply' repairs it)

            Examples:
              netvirt drift
              netvirt drift --output json | jq '.drift[] | select(.kind == "changed")'
            """);
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            context.RequireHost("drift");
            var view = await context.Service.DriftAsync(cancellationToken);
            var drift = view.Drift;
            if (context.Json)
            {
                context.WriteJson(view);
            }
            else if (drift.Count == 0 && view.Problems.Count == 0)
            {
                stdout.WriteLine($"No drift: the {view.Target} host matches the desired state (generation {view.Generation}).");
            }
            else
            {
                foreach (var problem in view.Problems)
                {
                    stdout.WriteLine(Api.Views.DisplayText.Escape($"  ! {problem.Subject}: {problem.Message}"));
                }

                foreach (var item in drift)
                {
                    switch (item.Kind)
                    {
                        case "missing":
                            stdout.WriteLine($"  missing  {item.Object} {item.Name}");
                            break;
                        case "extra":
                            stdout.WriteLine($"  extra    {item.Object} {item.Name} (NetVirt's, no longer desired)");
                            break;
                        default:
                            stdout.WriteLine($"  changed  {item.Object} {item.Name}");
                            foreach (var change in item.Changes)
                            {
                                // What the host reports is not NetVirt's to trust: escape it.
                                stdout.WriteLine(Api.Views.DisplayText.Escape($"             {change.Property}: host has '{change.Observed}', desired '{change.Desired}'"));
                            }

                            break;
                    }
                }

                stdout.WriteLine($"{drift.Count} difference{(drift.Count == 1 ? "" : "s")}; 'netvirt apply' repairs them.");
            }

            return drift.Count == 0 && view.Problems.Count == 0 ? ExitCodes.Ok : ExitCodes.DriftFound;
        });
        return command;
    }
}
