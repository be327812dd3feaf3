using System.CommandLine;
using NetVirt.Cli.Output;
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
        var command = new Command("apply", "Store documents as the desired state and reconcile the host") { files, storeOnly };
        command.SetAction(result =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var paths = result.GetValue(files) ?? [];
            if (paths.Length > 0)
            {
                var (loaded, errors) = ValidateCommand.LoadAndValidate(paths, context.Target);
                if (errors.Count > 0)
                {
                    ErrorPrinter.Print(stderr, errors, loaded.Map);
                    return ExitCodes.InvalidInput;
                }

                WriteOutcome outcome;
                try
                {
                    outcome = context.Store.Replace(loaded.Model, context.Target);
                }
                catch (ModelValidationException ex)
                {
                    ErrorPrinter.Print(stderr, ex.Errors, loaded.Map);
                    return ExitCodes.InvalidInput;
                }

                stdout.WriteLine(outcome.Changed
                    ? $"stored desired state generation {outcome.Generation} in {context.DatabasePath}"
                    : $"desired state unchanged (generation {outcome.Generation})");
            }
            else if (result.GetValue(storeOnly))
            {
                throw new Model.Errors.InvalidInputException("--store-only needs documents to store: give them with -f FILE");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
