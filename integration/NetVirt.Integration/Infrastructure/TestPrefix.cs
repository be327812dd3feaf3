using System.Security.Cryptography;

namespace NetVirt.Integration.Infrastructure;

/// <summary>
/// Unique ownership prefixes for host objects a test creates (<c>nvt</c> + 3 hex digits), so concurrent tests and
/// the user's own NetVirt objects (prefix <c>nv</c>) never see each other's objects.
/// </summary>
public static class TestPrefix
{
    /// <summary>Returns a fresh prefix such as <c>nvt3fa</c> (6 characters, so derived interface names fit in 15).</summary>
    public static string New() => "nvt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))[..3];
}
