using NetVirt.Model.Validation;

namespace NetVirt.Documents;

/// <summary>The texts of the files given (in order), and an error for each that could not be read.</summary>
public sealed record DocumentFiles(IReadOnlyList<DocumentSource> Sources, IReadOnlyList<ValidationError> Unreadable);
