using System.CommandLine;
using NetVirt.Planning.Plans;

namespace NetVirt.Cli.Commands;

/// <summary><c>netvirt drift</c>: what on the host differs from the desired state, field by field; exit 3 when anything does.</summary>
public static class DriftCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("drift", "Compare the host with the desired state field by field (exit 3 when they differ; 'apply' repairs it)");
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var (plan, drift) = await (await context.ReconcilerAsync(cancellationToken)).DriftAsync(cancellationToken);
            if (context.Json)
            {
                context.WriteJson(new
                {
                    plan.Generation,
                    plan.Target,
                    Drift = drift.Select(d => new
                    {
                        Kind = d.Kind.ToString().ToLowerInvariant(),
                        Object = d.Resource.Kind.Name,
                        d.Resource.Name,
                        d.Resource.Zone,
                        Changes = d.Changes.Select(c => new { c.Property, Observed = c.From, Desired = c.To }),
                    }),
                    Problems = plan.Plan.Problems.Select(p => new { p.Subject, p.Message }),
                });
            }
            else if (drift.Count == 0 && plan.Plan.Problems.IsEmpty)
            {
                stdout.WriteLine($"No drift: the {plan.Target} host matches the desired state (generation {plan.Generation}).");
            }
            else
            {
                foreach (var problem in plan.Plan.Problems)
                {
                    stdout.WriteLine($"  ! {problem}");
                }

                foreach (var item in drift)
                {
                    switch (item.Kind)
                    {
                        case DriftKind.Missing:
                            stdout.WriteLine($"  missing  {item.Resource}");
                            break;
                        case DriftKind.Extra:
                            stdout.WriteLine($"  extra    {item.Resource} (NetVirt's, no longer desired)");
                            break;
                        default:
                            stdout.WriteLine($"  changed  {item.Resource}");
                            foreach (var change in item.Changes)
                            {
                                stdout.WriteLine($"             {change.Property}: host has '{change.From}', desired '{change.To}'");
                            }

                            break;
                    }
                }

                stdout.WriteLine($"{drift.Count} difference{(drift.Count == 1 ? "" : "s")}; 'netvirt apply' repairs them.");
            }

            return drift.Count == 0 && plan.Plan.Problems.IsEmpty ? ExitCodes.Ok : ExitCodes.DriftFound;
        });
        return command;
    }
}
