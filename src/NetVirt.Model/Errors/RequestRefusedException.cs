namespace NetVirt.Model.Errors;

/// <summary>
/// A request that is well formed but cannot be carried out against what is stored: a network with no free address
/// left, a pool whose every network is full, a release of a range that is not reserved, an address a VNIC holds.
/// Nothing was changed. The command line treats it as invalid input (exit 2), the API as a conflict (409).
/// </summary>
public class RequestRefusedException : InvalidInputException
{
    /// <summary>The code of the error the API lists for it.</summary>
    public const string RefusedCode = "request.refused";

    /// <summary>Creates the exception.</summary>
    public RequestRefusedException(string message)
        : base(message)
    {
    }
}
