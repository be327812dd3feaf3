using System.Text;
using NetVirt.Backends.Commands;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;

namespace NetVirt.Backends.Illumos.Scripts;

/// <summary>
/// A plan as a POSIX shell script an operator can read and run in the global zone of a SmartOS or illumos host:
/// <c>set -eu</c>, each step's reason as a comment, each command quoted for the shell. Pure and deterministic (no
/// timestamps), so the output can be golden-tested and diffed between plans.
/// </summary>
public static class IllumosScript
{
    /// <summary>The script for <paramref name="plan"/> as <paramref name="backend"/> would carry it out.</summary>
    public static string Write(Plan plan, IllumosBackend backend)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(backend);
        var s = new StringBuilder();
        s.Append("#!/bin/sh\n");
        s.Append($"# NetVirt plan for {(backend.Variant == IllumosVariant.SmartOs ? "SmartOS (illumos-joyent)" : "upstream illumos")}; ownership prefix '{backend.Naming.OwnerMark}'.\n");
        s.Append($"# {plan.Steps.Count} step(s): {plan.Summary}.\n");
        if (plan.DisruptedZones.Count > 0)
        {
            s.Append($"# Interrupts the traffic of zone(s): {string.Join(", ", plan.DisruptedZones)}.\n");
        }

        s.Append("# Every object is temporary (-t) and is gone after a reboot; NetVirt re-applies its model at boot.\n");
        s.Append("# Review before running; run as root in the global zone.\n");
        s.Append("set -eu\n");
        if (!plan.Problems.IsEmpty)
        {
            s.Append("\n# BLOCKING PROBLEMS: the plan cannot be applied as it stands.\n");
            foreach (var problem in plan.Problems)
            {
                s.Append($"#   {Comment(problem.ToString())}\n");
            }

            s.Append("echo 'netvirt: this plan has blocking problems; see the comments at the top of the script' >&2\n");
            s.Append("exit 1\n");
        }

        if (plan.Steps.IsEmpty)
        {
            s.Append("\n# Nothing to do: the host matches the model.\n");
            return s.ToString();
        }

        foreach (var step in plan.Steps)
        {
            s.Append($"\n# {step.Index}. {step.Action.ToString().ToLowerInvariant()} {Comment(step.Reason)}\n");
            if (step.Disrupts is { } zone)
            {
                s.Append($"#    interrupts zone {Comment(zone)}\n");
            }

            foreach (var command in backend.Describe(step))
            {
                s.Append(Line(command)).Append('\n');
            }
        }

        return s.ToString();
    }

    /// <summary>One command as a shell line, every word quoted where the shell would otherwise read it differently.</summary>
    public static string Line(CommandSpec command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return string.Join(' ', command.Argv.Select(ShellQuoting.Quote));
    }

    // A comment ends at the end of its line: keep reasons on one line whatever they contain.
    private static string Comment(string text) => text.ReplaceLineEndings(" ");
}
