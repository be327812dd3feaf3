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
        var format = new Option<string>("--format") { Description = "yaml (default) or vmadm (the SmartOS vmadm 'nics' payload of one zone)", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "vmadm");
        var zone = new Option<string?>("--zone") { Description = "The zone to export (with --format vmadm)" };
        var command = new Command("export", """
            Write the stored desired state as a document (YAML, or JSON with --output json), or one zone's NICs as a SmartOS vmadm payload

            Examples:
              netvirt export > state.yaml                  # what 'apply -f state.yaml' reads back
              netvirt export --resolved -o json            # with the allocated MACs and addresses, as JSON
              netvirt export --format vmadm --zone acme-db1
            """) { resolved, format, zone };
        command.SetAction(async (result, cancellationToken) =>
        {
            var context = CommonOptions.Context(result, stdout, stderr);
            var state = await context.Service.LoadAsync(cancellationToken);
            if (result.GetValue(format) == "vmadm")
            {
                var name = result.GetValue(zone) ?? throw new Model.Errors.InvalidInputException("--format vmadm needs --zone ZONE");
                if (state.Resolved.Zones.All(z => z.Name != name))
                {
                    throw new Model.Errors.UnknownObjectException($"zone '{name}' is not in the desired state");
                }

                var payload = Backends.Illumos.Export.VmadmNics.Build(state.Resolved, name, Reconciliation.BackendFactory.Prefix);
                stdout.WriteLine(payload.Json);
                foreach (var note in payload.Notes)
                {
                    stderr.WriteLine($"note: {note}");
                }

                return ExitCodes.Ok;
            }

            var model = result.GetValue(resolved) ? Api.Endpoints.StateEndpoints.ExportModel(state) : state.Authored;
            // --output json: the same document as JSON (apply -f reads either).
            if (context.Json)
            {
                stdout.WriteLine(DocumentWriter.WriteJson(model).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Ok;
            }

            stdout.Write(DocumentWriter.Write(model));
            return ExitCodes.Ok;
        });
        return command;
    }
}
