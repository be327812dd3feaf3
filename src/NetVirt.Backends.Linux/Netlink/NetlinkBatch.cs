using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetVirt.Backends.Linux.Netlink;

/// <summary>
/// A sequence of rtnetlink requests encoded back to back, the way the kernel takes them in one <c>send</c>: each
/// message is a 16-byte <c>nlmsghdr</c>, a fixed family header and 4-byte-aligned attributes. Every request asks
/// for an acknowledgement, so the answer to request <c>i</c> is one <c>NLMSG_ERROR</c> carrying its sequence
/// number. Encoding is pure: the batch can be built and inspected without a socket.
/// </summary>
internal sealed class NetlinkBatch
{
    private byte[] _buffer = new byte[4096];
    private readonly List<(int Offset, int Length)> _messages = [];
    private int _length;
    private int _messageStart = -1;
    private readonly Stack<int> _nests = new();

    /// <summary>Number of finished messages.</summary>
    public int Count => _messages.Count;

    /// <summary>The encoded bytes of message <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Message(int index) => _buffer.AsSpan(_messages[index].Offset, _messages[index].Length);

    /// <summary>The bytes of messages <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1.</summary>
    public ReadOnlySpan<byte> Messages(int first, int count)
    {
        var start = _messages[first].Offset;
        var last = _messages[first + count - 1];
        return _buffer.AsSpan(start, last.Offset + last.Length - start);
    }

    /// <summary>Starts a request of <paramref name="type"/>; its sequence number is its index in the batch.</summary>
    public int Begin(ushort type, ushort flags)
    {
        if (_messageStart >= 0)
        {
            throw new InvalidOperationException("the previous netlink message was not ended");
        }

        _messageStart = _length;
        var header = Reserve(Rtnl.HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)(flags | Rtnl.NLM_F_REQUEST));
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)_messages.Count);
        return _messages.Count;
    }

    /// <summary>Finishes the current request.</summary>
    public void End()
    {
        if (_messageStart < 0 || _nests.Count > 0)
        {
            throw new InvalidOperationException("no netlink message to end, or a nested attribute is still open");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_messageStart), (uint)(_length - _messageStart));
        _messages.Add((_messageStart, _length - _messageStart));
        _messageStart = -1;
    }

    /// <summary>Writes a <c>struct ifinfomsg</c>.</summary>
    public void IfInfo(int index = 0, uint flags = 0, uint change = 0, byte family = Rtnl.AF_UNSPEC)
    {
        var span = Reserve(Rtnl.IfInfoLength);
        span[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], change);
    }

    /// <summary>Writes a <c>struct ifaddrmsg</c>.</summary>
    public void IfAddr(byte family, byte prefixLength, byte scope, int index)
    {
        var span = Reserve(Rtnl.IfAddrLength);
        span[0] = family;
        span[1] = prefixLength;
        span[3] = scope;
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], index);
    }

    /// <summary>Writes a <c>struct rtmsg</c> for a unicast route in the main table.</summary>
    public void RtMsg(byte family, byte destinationLength, byte protocol, byte scope, byte type = Rtnl.RTN_UNICAST)
    {
        var span = Reserve(Rtnl.RtMsgLength);
        span[0] = family;
        span[1] = destinationLength;
        span[4] = Rtnl.RT_TABLE_MAIN;
        span[5] = protocol;
        span[6] = scope;
        span[7] = type;
    }

    /// <summary>Writes a <c>struct tcmsg</c> (linux/rtnetlink.h) for every device (a dump).</summary>
    public void TcMsg() => Reserve(Rtnl.TcMsgLength).Clear();

    /// <summary>Writes a <c>struct ndmsg</c> (linux/neighbour.h).</summary>
    public void NdMsg(byte family, int index, ushort state, byte flags)
    {
        var span = Reserve(Rtnl.NdMsgLength);
        span[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], index);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], state);
        span[10] = flags;
    }

    /// <summary>A 16-bit attribute in network byte order (a UDP port).</summary>
    public void U16BigEndian(ushort type, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Attribute(type, 2), value);

    /// <summary>A NUL-terminated string attribute.</summary>
    public void String(ushort type, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        var span = Attribute(type, count + 1);
        Encoding.UTF8.GetBytes(value, span);
        span[count] = 0;
    }

    /// <summary>A 32-bit attribute.</summary>
    public void U32(ushort type, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Attribute(type, 4), value);

    /// <summary>An 8-bit attribute.</summary>
    public void U8(ushort type, byte value) => Attribute(type, 1)[0] = value;

    /// <summary>A raw attribute.</summary>
    public void Bytes(ushort type, ReadOnlySpan<byte> value) => value.CopyTo(Attribute(type, value.Length));

    /// <summary>An address attribute (4 or 16 bytes).</summary>
    public void Address(ushort type, IPAddress address)
    {
        var span = Attribute(type, address.AddressFamily == AddressFamily.InterNetwork ? 4 : 16);
        address.TryWriteBytes(span, out _);
    }

    /// <summary>Opens a nested attribute; close it with <see cref="EndNested"/>.</summary>
    public void BeginNested(ushort type)
    {
        _nests.Push(_length);
        var span = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)(type | Rtnl.NLA_F_NESTED));
    }

    /// <summary>Opens the payload of <c>VETH_INFO_PEER</c>, which is an <c>ifinfomsg</c> followed by attributes (not flagged nested).</summary>
    public void BeginPeer()
    {
        _nests.Push(_length);
        var span = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], Rtnl.VETH_INFO_PEER);
    }

    /// <summary>Closes the innermost nested attribute.</summary>
    public void EndNested()
    {
        var start = _nests.Pop();
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));
    }

    private Span<byte> Attribute(ushort type, int payload)
    {
        var span = Reserve(4 + payload);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(4 + payload));
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
        return span.Slice(4, payload);
    }

    // Reserves an aligned, zeroed region; the padding after it is zeroed too.
    private Span<byte> Reserve(int count)
    {
        var aligned = (count + 3) & ~3;
        if (_length + aligned > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + aligned));
        }

        var span = _buffer.AsSpan(_length, aligned);
        span.Clear();
        _length += aligned;
        return span[..count];
    }
}
