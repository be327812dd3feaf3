namespace NetVirt.Model.Addressing;

/// <summary>
/// The first 1–5 octets of generated MAC addresses (dladm <c>-m random -r prefix</c>; SmartOS uses <c>2:8:20</c>).
/// </summary>
public sealed record MacPrefix
{
    private MacPrefix(ulong value, int octets)
    {
        Value = value;
        Octets = octets;
    }

    /// <summary>The prefix bits, right-aligned.</summary>
    public ulong Value { get; }

    /// <summary>Number of octets in the prefix (1–5).</summary>
    public int Octets { get; }

    /// <summary>Number of addresses under the prefix.</summary>
    public ulong Capacity => 1UL << (8 * (6 - Octets));

    /// <summary>The first address under the prefix.</summary>
    public MacAddress First => new(Value << (8 * (6 - Octets)));

    /// <summary>The address at <paramref name="offset"/> under the prefix.</summary>
    public MacAddress At(ulong offset) =>
        offset < Capacity ? new MacAddress(First.Value | offset) : throw new ArgumentOutOfRangeException(nameof(offset));

    /// <summary>
    /// Where a deployment's automatic MACs start under this prefix: its deployment id (16 hex characters) read as a
    /// number, modulo <see cref="Capacity"/>, i.e. its last hex digits. Ids are random, so two databases on one host start
    /// at unrelated places in the prefix and count up from there; with the default 3-octet prefix (16,777,216 MACs) two
    /// deployments of N VNICs each overlap only with a probability of about 2N / 16,777,216.
    /// </summary>
    public ulong OffsetFor(string deploymentId)
    {
        ArgumentException.ThrowIfNullOrEmpty(deploymentId);
        return ulong.Parse(deploymentId, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture) % Capacity;
    }

    /// <summary>True when <paramref name="mac"/> falls under the prefix.</summary>
    public bool Contains(MacAddress mac) => mac.Value >> (8 * (6 - Octets)) == Value;

    /// <summary>Parses 1–5 colon-separated hex octets.</summary>
    public static MacPrefix Parse(string text) =>
        TryParse(text, out var prefix) ? prefix : throw new FormatException($"'{text}' is not a MAC prefix (1 to 5 colon-separated hex octets, e.g. 2:8:20)");

    /// <summary>Parses 1–5 colon-separated hex octets.</summary>
    public static bool TryParse(string? text, out MacPrefix prefix)
    {
        prefix = null!;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parts = text.Split(':');
        if (parts.Length is < 1 or > 5)
        {
            return false;
        }

        ulong value = 0;
        foreach (var part in parts)
        {
            if (part.Length is < 1 or > 2 || !byte.TryParse(part, System.Globalization.NumberStyles.AllowHexSpecifier, null, out var b))
            {
                return false;
            }

            value = (value << 8) | b;
        }

        prefix = new MacPrefix(value, parts.Length);
        return true;
    }

    /// <summary>Canonical form with two digits per octet.</summary>
    public override string ToString() =>
        string.Join(':', Enumerable.Range(0, Octets).Select(i => ((Value >> (8 * (Octets - 1 - i))) & 0xFF).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
