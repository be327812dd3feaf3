using NetVirt.Model.Validation;

namespace NetVirt.Documents;

/// <summary>
/// One object read from a single-object document (an API request body): the object as far as it could be read (only
/// meaningful without errors; with them, it lets semantic checks run on the rest so that every error is reported),
/// which keys the body had (to tell "left out" from "empty"), the values of the extra keys the caller asked for,
/// where each path came from, and every structural error with a path under <see cref="DocumentLoader.ItemRoot"/>.
/// </summary>
public sealed record ItemLoadResult<T>(
    T? Item, IReadOnlySet<string> Keys, IReadOnlyDictionary<string, string> Extra, SourceMap Map, IReadOnlyList<ValidationError> Errors)
    where T : class
{
    /// <summary>True when the object was read without errors.</summary>
    public bool IsValid => Errors.Count == 0 && Item is not null;
}
