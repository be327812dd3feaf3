using System.Net;

namespace NetVirt.Model.Addressing;

/// <summary>An inclusive range of addresses of one family, first ≤ last.</summary>
public sealed record IpRange(IPAddress First, IPAddress Last)
{
    /// <summary>Number of addresses in the range.</summary>
    public UInt128 Size => IpAddressMath.ToUInt128(Last) - IpAddressMath.ToUInt128(First) + 1;

    /// <summary>True when <paramref name="address"/> lies in the range.</summary>
    public bool Contains(IPAddress address) =>
        address.AddressFamily == First.AddressFamily
        && IpAddressMath.Compare(address, First) >= 0
        && IpAddressMath.Compare(address, Last) <= 0;

    /// <summary>Parses <c>a</c> or <c>a-b</c>.</summary>
    public static bool TryParse(string? text, out IpRange? range)
    {
        range = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            if (!IpAddressMath.TryParsePlain(text.Trim(), out var single))
            {
                return false;
            }

            range = new IpRange(single, single);
            return true;
        }

        if (!IpAddressMath.TryParsePlain(text.AsSpan(0, dash).Trim(), out var first) || !IpAddressMath.TryParsePlain(text.AsSpan(dash + 1).Trim(), out var last)
            || first.AddressFamily != last.AddressFamily || IpAddressMath.Compare(first, last) > 0)
        {
            return false;
        }

        range = new IpRange(first, last);
        return true;
    }

    /// <summary><c>a</c> for a single address, else <c>a-b</c>.</summary>
    public override string ToString() => First.Equals(Last) ? First.ToString() : $"{First}-{Last}";
}
