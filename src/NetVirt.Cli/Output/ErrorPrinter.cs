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
            // Errors about the text as a whole (syntax, unreadable, past a limit) carry their location in the message already.
            var whole = DocumentValidation.IsUnreadable(error);
            if (whole)
            {
                prefix = "";
            }

            var path = error.Path.Length == 0 || whole ? "" : $"{error.Path}: ";
            // Messages quote what the document said, which may hold escape sequences.
            writer.WriteLine(Api.Views.DisplayText.Escape($"{prefix}{path}{error.Message} [{error.Code}]"));
        }

        writer.WriteLine($"{errors.Count} error{(errors.Count == 1 ? "" : "s")}; nothing was changed");
    }

    /// <summary>Writes each warning as <c>warning: file:line:col: path: message [code]</c>; they never stop a command.</summary>
    public static void PrintWarnings(TextWriter writer, IReadOnlyList<ValidationError> warnings, SourceMap? map)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(warnings);
        foreach (var warning in warnings)
        {
            // The path names the list that is missing; its location is the VNIC's.
            var location = map?.Locate(warning.Path) ?? map?.Locate(warning.Path[..Math.Max(0, warning.Path.LastIndexOf('.'))]);
            writer.WriteLine(Api.Views.DisplayText.Escape($"warning: {(location is null ? "" : $"{location}: ")}{warning.Path}: {warning.Message} [{warning.Code}]"));
        }
    }
}
