using System.CommandLine;
using NetVirt.Documents;

namespace NetVirt.Cli.Commands;

/// <summary><c>netvirt export</c>: the stored desired state as a document that <c>apply -f</c> reads back.</summary>
public static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var resolved = new Option<bool>("--resolved") { Description = "Write allocated MACs and addresses instead of 'auto'" };
        var command = new Command("export", "Write the stored desired state as YAML") { resolved };
        command.SetAction(result =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var state = context.Store.Load();
            stdout.Write(DocumentWriter.Write(result.GetValue(resolved) ? state.Resolved : state.Authored));
            return ExitCodes.Ok;
        });
        return command;
    }
}
