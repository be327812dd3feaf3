using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NetVirt.Model.Addressing;

/// <summary>
/// An address assigned to an interface together with its prefix length (<c>10.0.0.5/24</c>), as ipadm's
/// <c>-a addr/plen</c> and <c>ip addr add</c> take it. Unlike <see cref="IPNetwork"/>, host bits are kept.
/// </summary>
public sealed record InterfaceAddress(IPAddress Address, int PrefixLength)
{
    /// <summary>Address family.</summary>
    public AddressFamily Family => Address.AddressFamily;

    /// <summary>The network this address sits in.</summary>
    public IPNetwork Network => new(
        IpAddressMath.FromUInt128(IpAddressMath.ToUInt128(Address) & IpAddressMath.NetworkMask(PrefixLength, Family), Family), PrefixLength);

    /// <summary>Parses <c>addr/plen</c>. The prefix is required.</summary>
    public static InterfaceAddress Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not an address with prefix length (e.g. 10.0.0.5/24)");

    /// <summary>Parses <c>addr/plen</c>; false when the text is not exactly that.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out InterfaceAddress? value)
    {
        value = null;
        if (text is null)
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !IpAddressMath.TryParsePlain(text.AsSpan(0, slash), out var address)
            || !IpAddressMath.TryParsePrefixLength(text.AsSpan(slash + 1), IpAddressMath.BitsOf(address.AddressFamily), out var prefix))
        {
            return false;
        }

        value = new InterfaceAddress(address, prefix);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Address}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";
}
