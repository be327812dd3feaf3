namespace NetVirt.Model.Validation;

/// <summary>Every error found in one pass; valid when there are none.</summary>
public sealed record ValidationResult(IReadOnlyList<ValidationError> Errors)
{
    /// <summary>A result without errors.</summary>
    public static ValidationResult Valid { get; } = new([]);

    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;
}
