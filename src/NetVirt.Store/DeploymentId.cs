using System.Security.Cryptography;

namespace NetVirt.Store;

/// <summary>
/// The id of a deployment: one database and what it built. 16 lowercase hex characters (64 random bits), generated once
/// when the database is created (or first upgraded to a version that has ids) and never changed. Host objects record it,
/// so what one database owns is never mistaken for another's even when both use the same prefix; and automatic MACs
/// start at an offset derived from it (<see cref="Model.Addressing.MacPrefix.OffsetFor"/>), so two databases on one host
/// do not hand out the same MACs.
/// </summary>
public static class DeploymentId
{
    /// <summary>Length of an id.</summary>
    public const int Length = 16;

    /// <summary>A new random id.</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    /// <summary>True for 16 lowercase hex characters.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: Length } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
