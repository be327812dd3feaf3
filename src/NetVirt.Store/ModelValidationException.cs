using NetVirt.Model.Errors;
using NetVirt.Model.Validation;

namespace NetVirt.Store;

/// <summary>A write was refused because the resulting model is invalid; carries every error.</summary>
public sealed class ModelValidationException : NetVirtException
{
    /// <summary>Creates the exception from the validation errors.</summary>
    public ModelValidationException(IReadOnlyList<ValidationError> errors)
        : base($"the desired state is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}): {string.Join("; ", errors.Take(3))}{(errors.Count > 3 ? "; ..." : "")}")
    {
        Errors = errors;
    }

    /// <summary>Every error found.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }
}
