namespace NetVirt.Model.Errors;

/// <summary>
/// A request would take addresses that address objects hold (a reservation over a VNIC's address): refused, naming
/// the holders, instead of silently renumbering them. Invalid input for the command line (exit 2, nothing changed); a
/// conflict with what is stored for the API (409).
/// </summary>
public sealed class AddressHeldException : RequestRefusedException
{
    /// <summary>The code of the error the API lists for each holder.</summary>
    public const string Code = "address.held";

    /// <summary>Creates the exception.</summary>
    public AddressHeldException(string message, IReadOnlyList<string> holders)
        : base(message)
    {
        Holders = holders;
    }

    /// <summary>Each holder, in words (<c>10.0.0.5: zone 'web1' vnic 'net0' address 'v4'</c>).</summary>
    public IReadOnlyList<string> Holders { get; }
}
