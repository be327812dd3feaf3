using NetVirt.Model.Spec;
using NetVirt.Model.Validation;

namespace NetVirt.Documents;

/// <summary>
/// The model read from one or more documents, where each part came from, and every structural error (syntax,
/// unknown keys, wrong types, unparsable values). The model is only meaningful when there are no errors.
/// </summary>
public sealed record LoadResult(NetworkModel Model, SourceMap Map, IReadOnlyList<ValidationError> Errors)
{
    /// <summary>True when the documents were read without errors.</summary>
    public bool IsValid => Errors.Count == 0;
}
