using NetVirt.Model.Validation;

namespace NetVirt.Documents;

/// <summary>
/// Structural and semantic checks of loaded documents together, the way <c>netvirt validate</c> and <c>PUT /state</c>
/// report them: every error at once, and no semantic error that merely follows from a structural one (same field,
/// inside it, or on the object holding it).
/// </summary>
public static class DocumentValidation
{
    /// <summary>Every error of <paramref name="loaded"/> for <paramref name="target"/>; empty when the documents can be stored.</summary>
    public static IReadOnlyList<ValidationError> Validate(LoadResult loaded, HostTarget target)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (loaded.Errors.Any(IsUnreadable))
        {
            return loaded.Errors;
        }

        var structural = loaded.Errors.Select(e => e.Path).ToList();
        var semantic = ModelValidator.Validate(loaded.Model, target).Errors
            .Where(e => !structural.Any(p => Related(p, e.Path)));
        return [.. loaded.Errors, .. semantic];
    }

    /// <summary>
    /// True for an error that means the text could not be read as a document at all (not YAML, a missing file, past a
    /// limit): its message carries its own location, and nothing was read that could be checked further.
    /// </summary>
    public static bool IsUnreadable(ValidationError error) =>
        error?.Code is "yaml.syntax" or "file.unreadable" or "document.too-deep" or "document.too-large";

    /// <summary>True when a semantic error at <paramref name="semanticPath"/> merely follows from a structural one at <paramref name="structuralPath"/>.</summary>
    public static bool Related(string structuralPath, string semanticPath)
    {
        var dot = structuralPath.LastIndexOf('.');
        var owner = dot > 0 ? structuralPath[..dot] : structuralPath;
        return semanticPath == structuralPath || semanticPath == owner
            || semanticPath.StartsWith(structuralPath + ".", StringComparison.Ordinal)
            || semanticPath.StartsWith(structuralPath + "[", StringComparison.Ordinal);
    }
}
