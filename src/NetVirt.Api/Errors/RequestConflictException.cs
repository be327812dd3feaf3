using NetVirt.Model.Errors;
using NetVirt.Model.Validation;

namespace NetVirt.Api.Errors;

/// <summary>
/// A change refused because other stored objects depend on what it removes or alters (a network VNICs still use);
/// sent as 409 with <c>errors[]</c> naming each dependent object.
/// </summary>
public sealed class RequestConflictException : NetVirtException
{
    /// <summary>Creates the exception.</summary>
    public RequestConflictException(string message, IReadOnlyList<ValidationError> errors)
        : base(message)
    {
        Errors = errors;
    }

    /// <summary>What stands in the way.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }
}
