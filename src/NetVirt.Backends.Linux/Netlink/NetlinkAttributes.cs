using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace NetVirt.Backends.Linux.Netlink;

/// <summary>Reads the 4-byte-aligned <c>struct nlattr</c> list of a netlink payload. Pure.</summary>
internal ref struct NetlinkAttributes
{
    private ReadOnlySpan<byte> _rest;

    /// <summary>Iterates the attributes in <paramref name="payload"/>.</summary>
    public NetlinkAttributes(ReadOnlySpan<byte> payload)
    {
        _rest = payload;
        Type = 0;
        Value = default;
    }

    /// <summary>Type of the current attribute (flags masked off).</summary>
    public ushort Type { get; private set; }

    /// <summary>Payload of the current attribute.</summary>
    public ReadOnlySpan<byte> Value { get; private set; }

    /// <summary>Moves to the next attribute; false at the end (or at a malformed tail).</summary>
    public bool MoveNext()
    {
        if (_rest.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (length < 4 || length > _rest.Length)
        {
            return false;
        }

        Type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]) & Rtnl.NLA_TYPE_MASK);
        Value = _rest[4..length];
        var aligned = (length + 3) & ~3;
        _rest = aligned >= _rest.Length ? default : _rest[aligned..];
        return true;
    }

    /// <summary>The current value as a NUL-terminated string.</summary>
    public readonly string AsString()
    {
        var end = Value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? Value : Value[..end]);
    }

    /// <summary>The current value as a 32-bit number.</summary>
    public readonly uint AsU32() => Value.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Value) : 0;

    /// <summary>The current value as an IP address.</summary>
    public readonly IPAddress AsAddress() => new(Value);
}
