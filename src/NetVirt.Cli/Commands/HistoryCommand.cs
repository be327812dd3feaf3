using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace NetVirt.Cli.Commands;

/// <summary><c>netvirt history [N]</c>: the journal of apply runs, or every step of one run.</summary>
public static class HistoryCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var run = new Argument<long?>("run") { Description = "Show every step of this run", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int>("--limit") { Description = "How many runs to list", DefaultValueFactory = _ => 20 };
        var command = new Command("history", """
            List apply runs, or show one run step by step

            Examples:
              netvirt history
              netvirt history 12                             # every step of run 12 with its commands, exit codes and errors
            """) { run, limit };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            if (result.GetValue(run) is { } id)
            {
                var view = await context.Service.RunAsync(id, cancellationToken);
                var (record, steps) = (view.Run, view.Steps);
                if (context.Json)
                {
                    context.WriteJson(view);
                    return ExitCodes.Ok;
                }

                stdout.WriteLine($"Run {record.Id}: {record.Outcome}, target {record.Target}, generation {record.Generation}, started {record.StartedAt}, finished {record.FinishedAt ?? "-"} ({record.Trigger})");
                stdout.WriteLine($"Plan: {record.PlanSummary}.");
                if (record.Error is { } error)
                {
                    stdout.WriteLine($"Error: {Api.Views.DisplayText.Escape(error)}");
                }

                var table = ShowCommand.NewTable("#", "STEP", "PHASE", "ACTION", "OBJECT", "OUTCOME", "EXIT", "MS", "COMMAND / ERROR");
                foreach (var s in steps)
                {
                    var detail = s.Error ?? s.Commands.Split('\n').FirstOrDefault();
                    table.AddRow(ShowCommand.Cells(s.Seq.ToString(CultureInfo.InvariantCulture), s.StepIndex.ToString(CultureInfo.InvariantCulture), s.Phase, s.Action,
                        $"{s.Kind} {s.Name}", s.Outcome, s.ExitCode?.ToString(CultureInfo.InvariantCulture), s.DurationMs.ToString("0.0", CultureInfo.InvariantCulture), detail));
                }

                context.Console.Write(table);
                return ExitCodes.Ok;
            }

            var runs = await context.Service.RunsAsync(result.GetValue(limit), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(runs.Select(r => r with { PlanJson = "" }));
                return ExitCodes.Ok;
            }

            // Which deployment this journal belongs to: the id its host objects carry, and where it lives.
            stdout.WriteLine($"Deployment {await context.Service.DeploymentIdAsync(cancellationToken)} ({context.Where})");
            if (runs.Count == 0)
            {
                stdout.WriteLine("No apply runs yet.");
                return ExitCodes.Ok;
            }

            var list = ShowCommand.NewTable("RUN", "STARTED", "TARGET", "GENERATION", "OUTCOME", "PLAN", "TRIGGER", "ERROR");
            foreach (var r in runs)
            {
                list.AddRow(ShowCommand.Cells(r.Id.ToString(CultureInfo.InvariantCulture), r.StartedAt, r.Target, r.Generation.ToString(CultureInfo.InvariantCulture),
                    r.Outcome, r.PlanSummary, r.Trigger, r.Error));
            }

            context.Console.Write(list);
            return ExitCodes.Ok;
        });
        return command;
    }
}
