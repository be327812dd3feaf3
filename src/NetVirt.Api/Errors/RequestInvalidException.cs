using NetVirt.Model.Errors;
using NetVirt.Model.Validation;

namespace NetVirt.Api.Errors;

/// <summary>A request body or parameter is invalid; carries every error found (sent as 422 with <c>errors[]</c>).</summary>
public sealed class RequestInvalidException : NetVirtException
{
    /// <summary>Creates the exception from every error found.</summary>
    public RequestInvalidException(IReadOnlyList<ValidationError> errors)
        : base($"the request is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")})")
    {
        Errors = errors;
    }

    /// <summary>Creates the exception for one error.</summary>
    public RequestInvalidException(string path, string code, string message)
        : this([new ValidationError(path, code, message)])
    {
    }

    /// <summary>Every error.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }
}
