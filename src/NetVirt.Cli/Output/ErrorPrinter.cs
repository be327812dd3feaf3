using NetVirt.Documents;
using NetVirt.Model.Validation;

namespace NetVirt.Cli.Output;

/// <summary>Prints validation errors one per line: <c>file:line:col: path: message [code]</c>.</summary>
public static class ErrorPrinter
{
    /// <summary>Writes every error with its location when the source map knows it, then a count.</summary>
    public static void Print(TextWriter writer, IReadOnlyList<ValidationError> errors, SourceMap? map)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(errors);
        // In file order, so the list reads top to bottom alongside the document.
        var ordered = errors.Select(e => (Error: e, Location: map?.Locate(e.Path)))
            .OrderBy(x => x.Location?.Source, StringComparer.Ordinal).ThenBy(x => x.Location?.Line).ThenBy(x => x.Location?.Column);
        foreach (var (error, location) in ordered)
        {
            var prefix = location is null ? "" : $"{location}: ";
            // YAML syntax errors carry their location in the message already.
            if (error.Code == "yaml.syntax" || error.Code == "file.unreadable")
            {
                prefix = "";
            }

            var path = error.Path.Length == 0 || error.Code is "yaml.syntax" or "file.unreadable" ? "" : $"{error.Path}: ";
            // Messages quote what the document said, which may hold escape sequences.
            writer.WriteLine(Api.Views.DisplayText.Escape($"{prefix}{path}{error.Message} [{error.Code}]"));
        }

        writer.WriteLine($"{errors.Count} error{(errors.Count == 1 ? "" : "s")}; nothing was changed");
    }
}
