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
        var command = new Command("validate", """
            Check documents and report every error at once (nothing is stored)

            Examples:
              netvirt validate -f network.yaml
              netvirt validate -f base.yaml -f tenants.yaml --target any   # valid for illumos and Linux alike
            """) { files };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var loaded = DocumentLoader.LoadFiles(result.GetValue(files)!);
            var errors = await context.Service.ValidateAsync(loaded, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(new
                {
                    Valid = errors.Count == 0,
                    Errors = errors.Select(e => new { e.Path, e.Code, e.Message, Location = loaded.Map.Locate(e.Path)?.ToString() }),
                    Warnings = errors.Count > 0 ? [] : ModelValidator.Warnings(loaded.Model).Select(e => new { e.Path, e.Code, e.Message }),
                });
            }
            else if (errors.Count > 0)
            {
                ErrorPrinter.Print(stderr, errors, loaded.Map);
            }
            else
            {
                ErrorPrinter.PrintWarnings(stderr, ModelValidator.Warnings(loaded.Model), loaded.Map);
                var m = loaded.Model;
                stdout.WriteLine($"valid: {m.Etherstubs.Count} etherstubs, {m.Links.Count} links, {m.Networks.Count} networks, {m.Pools.Count} pools, " +
                    $"{m.Zones.Count} zones, {m.Zones.Sum(z => z.Vnics.Count)} vnics (target {context.Target.ToString().ToLowerInvariant()})");
            }

            return errors.Count == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
        });
        return command;
    }
}
