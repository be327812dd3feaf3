using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NetVirt.Audit.Frames;

/// <summary>A 48-bit IEEE MAC address held in a value (no allocation to read, compare or hash).</summary>
public readonly struct MacAddress : IEquatable<MacAddress>
{
    /// <summary>Bytes in a MAC address.</summary>
    public const int Length = 6;

    private readonly ulong value;

    private MacAddress(ulong value) => this.value = value;

    /// <summary>Reads the first six bytes of <paramref name="bytes"/>.</summary>
    public MacAddress(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Length)
        {
            throw new ArgumentException($"a MAC address needs {Length} bytes, got {bytes.Length}", nameof(bytes));
        }

        value = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32BigEndian(bytes[2..]);
    }

    /// <summary><c>ff:ff:ff:ff:ff:ff</c>.</summary>
    public static MacAddress Broadcast { get; } = new(0xffff_ffff_ffffUL);

    /// <summary><c>00:00:00:00:00:00</c>, as in the target hardware address of an ARP request.</summary>
    public static MacAddress Zero { get; } = default;

    /// <summary>True for the broadcast address.</summary>
    public bool IsBroadcast => value == 0xffff_ffff_ffffUL;

    /// <summary>True when the group bit (least significant bit of the first byte) is set; includes broadcast.</summary>
    public bool IsMulticast => (value & 0x0100_0000_0000UL) != 0;

    /// <summary>True when the locally administered bit is set, as for the MACs NetVirt assigns.</summary>
    public bool IsLocallyAdministered => (value & 0x0200_0000_0000UL) != 0;

    /// <summary>Parses <c>02:00:5e:10:00:01</c> (also with <c>-</c> separators); throws <see cref="FormatException"/>.</summary>
    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address (expected six hex pairs like 02:00:5e:10:00:01)");

    /// <summary>Parses six colon- or dash-separated hex pairs.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out MacAddress mac)
    {
        mac = default;
        if (text.Length != 17)
        {
            return false;
        }

        ulong result = 0;
        for (var i = 0; i < Length; i++)
        {
            var pair = text.Slice(i * 3, 2);
            if (i < Length - 1 && text[(i * 3) + 2] is not (':' or '-'))
            {
                return false;
            }

            if (!byte.TryParse(pair, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                return false;
            }

            result = (result << 8) | b;
        }

        mac = new MacAddress(result);
        return true;
    }

    /// <summary>The Ethernet address an IPv6 multicast group maps to (RFC 2464 section 7: 33:33 + last 32 bits).</summary>
    public static MacAddress ForIpv6Multicast(IPAddress group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.AddressFamily != AddressFamily.InterNetworkV6 || !group.IsIPv6Multicast)
        {
            throw new ArgumentException($"'{group}' is not an IPv6 multicast address", nameof(group));
        }

        Span<byte> bytes = stackalloc byte[16];
        group.TryWriteBytes(bytes, out _);
        return new MacAddress(0x3333_0000_0000UL | BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]));
    }

    /// <summary>Writes the six bytes to the start of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)value);
    }

    /// <summary>The six bytes as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <inheritdoc />
    public bool Equals(MacAddress other) => value == other.value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MacAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => value.GetHashCode();

    /// <summary>Lower-case colon form, e.g. <c>02:00:5e:10:00:01</c>.</summary>
    public override string ToString() => string.Create(17, value, static (chars, v) =>
    {
        for (var i = 0; i < Length; i++)
        {
            var b = (byte)(v >> (8 * (Length - 1 - i)));
            chars[i * 3] = "0123456789abcdef"[b >> 4];
            chars[(i * 3) + 1] = "0123456789abcdef"[b & 0xf];
            if (i < Length - 1)
            {
                chars[(i * 3) + 2] = ':';
            }
        }
    });

    /// <summary>Equality.</summary>
    public static bool operator ==(MacAddress left, MacAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MacAddress left, MacAddress right) => !left.Equals(right);
}
