using System.Buffers.Binary;
using System.Text;

namespace NetVirt.Audit.Reports;

/// <summary>
/// Writes a pcapng file (draft-ietf-opsawg-pcapng): one section, an Interface Description Block per capture point
/// with its name and description, and an Enhanced Packet Block per frame with an optional comment. libpcap (and so
/// SharpPcap) writes only classic pcap, which has no interface names or comments; Wireshark and tshark read this, and
/// <c>tshark -T fields -e frame.interface_name -e frame.comment</c> shows where each frame was seen. Little-endian,
/// microsecond timestamps, Ethernet only. Not thread-safe.
/// </summary>
public sealed class PcapNgWriter : IDisposable
{
    private const uint SectionHeaderType = 0x0A0D0D0A;
    private const uint InterfaceDescriptionType = 1;
    private const uint EnhancedPacketType = 6;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const ushort OptionEnd = 0;
    private const ushort OptionComment = 1;
    private const ushort OptionInterfaceName = 2;
    private const ushort OptionInterfaceDescription = 3;
    private const ushort OptionTimestampResolution = 9;
    private const ushort LinkTypeEthernet = 1;

    private readonly Stream stream;
    private readonly bool leaveOpen;
    private readonly MemoryStream block = new();
    private int interfaces;

    /// <summary>Starts a file on <paramref name="stream"/> with its section header.</summary>
    public PcapNgWriter(Stream stream, bool leaveOpen = false)
    {
        this.stream = stream ?? throw new ArgumentNullException(nameof(stream));
        this.leaveOpen = leaveOpen;
        Span<byte> body = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(body, ByteOrderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(body[4..], 1); // version 1.0
        BinaryPrimitives.WriteUInt16LittleEndian(body[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(body[8..], -1); // section length not given
        WriteBlock(SectionHeaderType, body, []);
    }

    /// <summary>Creates (or replaces) the file at <paramref name="path"/>.</summary>
    public static PcapNgWriter Create(string path) => new(File.Create(path));

    /// <summary>Adds a capture point and returns its interface id for <see cref="WriteFrame"/>.</summary>
    /// <param name="name">The interface name tshark shows as <c>frame.interface_name</c>.</param>
    /// <param name="description">A longer description (<c>frame.interface_description</c>), or null.</param>
    public int AddInterface(string name, string? description = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Span<byte> body = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(body, LinkTypeEthernet);
        BinaryPrimitives.WriteUInt16LittleEndian(body[2..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(body[4..], 0); // no snapshot length limit
        var options = new List<(ushort, byte[])> { (OptionInterfaceName, Encoding.UTF8.GetBytes(name)) };
        if (!string.IsNullOrEmpty(description))
        {
            options.Add((OptionInterfaceDescription, Encoding.UTF8.GetBytes(description)));
        }

        options.Add((OptionTimestampResolution, [6])); // 10^-6 s
        WriteBlock(InterfaceDescriptionType, body, options);
        return interfaces++;
    }

    /// <summary>Writes one frame seen on interface <paramref name="interfaceId"/>, with an optional comment.</summary>
    public void WriteFrame(int interfaceId, ReadOnlySpan<byte> frame, long timestampMicroseconds, string? comment = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(interfaceId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(interfaceId, interfaces);
        var padded = (frame.Length + 3) & ~3;
        var body = new byte[20 + padded];
        BinaryPrimitives.WriteUInt32LittleEndian(body, (uint)interfaceId);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)((ulong)timestampMicroseconds >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)timestampMicroseconds);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(12), (uint)frame.Length); // captured
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(16), (uint)frame.Length); // on the wire
        frame.CopyTo(body.AsSpan(20));
        WriteBlock(EnhancedPacketType, body, string.IsNullOrEmpty(comment) ? [] : [(OptionComment, Encoding.UTF8.GetBytes(comment))]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        stream.Flush();
        if (!leaveOpen)
        {
            stream.Dispose();
        }
    }

    // Block: type, total length, body, options (each padded to 32 bits, closed by opt_endofopt), total length again.
    private void WriteBlock(uint type, ReadOnlySpan<byte> body, IReadOnlyList<(ushort Code, byte[] Value)> options)
    {
        block.SetLength(0);
        Span<byte> word = stackalloc byte[4];
        block.Write(word); // type, filled in below
        block.Write(word); // length
        block.Write(body);
        if (options.Count > 0)
        {
            foreach (var (code, value) in options)
            {
                if (value.Length > ushort.MaxValue)
                {
                    throw new ArgumentException($"pcapng option {code} is {value.Length} bytes; at most 65535 fit");
                }

                BinaryPrimitives.WriteUInt16LittleEndian(word, code);
                BinaryPrimitives.WriteUInt16LittleEndian(word[2..], (ushort)value.Length);
                block.Write(word);
                block.Write(value);
                block.Write(new byte[((value.Length + 3) & ~3) - value.Length]);
            }

            BinaryPrimitives.WriteUInt16LittleEndian(word, OptionEnd);
            BinaryPrimitives.WriteUInt16LittleEndian(word[2..], 0);
            block.Write(word);
        }

        var total = (uint)block.Length + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(word, total);
        block.Write(word);
        var bytes = block.GetBuffer();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, type);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), total);
        stream.Write(bytes, 0, (int)block.Length);
    }
}
