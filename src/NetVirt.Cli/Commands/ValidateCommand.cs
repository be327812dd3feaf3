using System.CommandLine;
using NetVirt.Cli.Output;
using NetVirt.Documents;
using NetVirt.Model.Validation;

namespace NetVirt.Cli.Commands;

/// <summary><c>netvirt validate -f FILE…</c>: reads documents and reports every error, changing nothing.</summary>
public static class ValidateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = CommonOptions.Files(required: true);
        var command = new Command("validate", "Check documents and report every error at once (nothing is stored)") { files };
        command.SetAction(result =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var (loaded, errors) = LoadAndValidate(result.GetValue(files)!, context.Target);
            if (context.Json)
            {
                context.WriteJson(new
                {
                    Valid = errors.Count == 0,
                    Errors = errors.Select(e => new { e.Path, e.Code, e.Message, Location = loaded.Map.Locate(e.Path)?.ToString() }),
                });
            }
            else if (errors.Count > 0)
            {
                ErrorPrinter.Print(stderr, errors, loaded.Map);
            }
            else
            {
                var m = loaded.Model;
                stdout.WriteLine($"valid: {m.Etherstubs.Count} etherstubs, {m.Links.Count} links, {m.Networks.Count} networks, {m.Pools.Count} pools, " +
                    $"{m.Zones.Count} zones, {m.Zones.Sum(z => z.Vnics.Count)} vnics (target {context.Target.ToString().ToLowerInvariant()})");
            }

            return errors.Count == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
        });
        return command;
    }

    /// <summary>
    /// Loads documents and validates the merged model, so that structural mistakes (syntax, unknown keys, types)
    /// and semantic ones (bad VLAN, duplicate MAC) are reported together. A semantic error that merely follows from
    /// a structural one (same field, inside it, or on the object holding it) is left out.
    /// </summary>
    public static (LoadResult Loaded, IReadOnlyList<ValidationError> Errors) LoadAndValidate(IEnumerable<string> files, HostTarget target)
    {
        var loaded = DocumentLoader.LoadFiles(files);
        return (loaded, DocumentValidation.Validate(loaded, target));
    }
}
