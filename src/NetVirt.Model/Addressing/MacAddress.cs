using System.Globalization;

namespace NetVirt.Model.Addressing;

/// <summary>
/// A 48-bit Ethernet MAC address. Parses the forms dladm accepts (colon-separated octets of one or two hex digits,
/// either case) and formats both canonically (<c>02:08:20:0a:0b:0c</c>) and the way illumos prints it
/// (<c>2:8:20:a:b:c</c>, no zero padding), so both sides can be compared after normalising.
/// </summary>
public readonly record struct MacAddress(ulong Value) : IComparable<MacAddress>
{
    /// <summary>The broadcast address ff:ff:ff:ff:ff:ff.</summary>
    public static MacAddress Broadcast => new(0xFFFF_FFFF_FFFF);

    /// <summary>True for the all-zero address (illumos prints it as <c>unknown</c>).</summary>
    public bool IsZero => Value == 0;

    /// <summary>True when the group bit (least significant bit of the first octet) is set.</summary>
    public bool IsMulticast => (Value & 0x0100_0000_0000) != 0;

    /// <summary>True when the locally administered bit (second bit of the first octet) is set.</summary>
    public bool IsLocallyAdministered => (Value & 0x0200_0000_0000) != 0;

    /// <summary>Parses a MAC address; throws <see cref="FormatException"/> naming the text when it is not one.</summary>
    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address (six colon-separated hex octets)");

    /// <summary>Parses six colon-separated octets of one or two hex digits each.</summary>
    public static bool TryParse(string? text, out MacAddress mac)
    {
        mac = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        ulong value = 0;
        var octets = 0;
        foreach (var part in text.Split(':'))
        {
            if (part.Length is < 1 or > 2 || !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                return false;
            }

            value = (value << 8) | b;
            octets++;
        }

        if (octets != 6)
        {
            return false;
        }

        mac = new MacAddress(value);
        return true;
    }

    /// <summary>Builds an address from its six octets.</summary>
    public static MacAddress FromBytes(ReadOnlySpan<byte> octets)
    {
        if (octets.Length != 6)
        {
            throw new ArgumentException("a MAC address has 6 octets", nameof(octets));
        }

        ulong value = 0;
        foreach (var b in octets)
        {
            value = (value << 8) | b;
        }

        return new MacAddress(value);
    }

    /// <summary>Writes the six octets into <paramref name="destination"/>.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        for (var i = 0; i < 6; i++)
        {
            destination[i] = (byte)(Value >> (8 * (5 - i)));
        }
    }

    /// <summary>Returns the six octets.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[6];
        WriteBytes(bytes);
        return bytes;
    }

    /// <summary>The way illumos prints a MAC: lowercase, no zero padding (<c>2:8:20:a:b:c</c>).</summary>
    public string ToIllumosString() => string.Join(':', ToBytes().Select(b => b.ToString("x", CultureInfo.InvariantCulture)));

    /// <summary>Canonical form: lowercase, two digits per octet (<c>02:08:20:0a:0b:0c</c>).</summary>
    public override string ToString() => string.Join(':', ToBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    /// <inheritdoc />
    public int CompareTo(MacAddress other) => Value.CompareTo(other.Value);
}
