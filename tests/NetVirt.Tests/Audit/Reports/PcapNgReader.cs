using System.Buffers.Binary;
using System.Text;

namespace NetVirt.Tests.Audit.Reports;

/// <summary>
/// Reads back what <c>PcapNgWriter</c> writes, checking the framing on the way (block lengths at both ends, 32-bit
/// alignment, the byte-order magic): interface names and descriptions, and each packet with its interface and comment.
/// Test-only; the integration tests read the same files with tshark.
/// </summary>
internal static class PcapNgReader
{
    public static (List<(string Name, string? Description)> Interfaces, List<(int Interface, long Timestamp, byte[] Frame, string? Comment)> Packets) Read(byte[] file)
    {
        var interfaces = new List<(string, string?)>();
        var packets = new List<(int, long, byte[], string?)>();
        var at = 0;
        var first = true;
        while (at < file.Length)
        {
            var type = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at));
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4));
            Assert.Equal(0, length % 4);
            Assert.Equal((uint)length, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + length - 4)));
            var body = file.AsSpan(at + 8, length - 12);
            if (first)
            {
                Assert.Equal(0x0A0D0D0Au, type);
                Assert.Equal(0x1A2B3C4Du, BinaryPrimitives.ReadUInt32LittleEndian(body));
                first = false;
            }
            else if (type == 1)
            {
                var options = Options(body[8..]);
                interfaces.Add((options[2], options.GetValueOrDefault((ushort)3)));
            }
            else if (type == 6)
            {
                var id = (int)BinaryPrimitives.ReadUInt32LittleEndian(body);
                var timestamp = ((long)BinaryPrimitives.ReadUInt32LittleEndian(body[4..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(body[8..]);
                var captured = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[12..]);
                var frame = body.Slice(20, captured).ToArray();
                var options = Options(body[(20 + ((captured + 3) & ~3))..]);
                packets.Add((id, timestamp, frame, options.GetValueOrDefault((ushort)1)));
            }

            at += length;
        }

        return (interfaces, packets);
    }

    private static Dictionary<ushort, string> Options(ReadOnlySpan<byte> options)
    {
        var result = new Dictionary<ushort, string>();
        while (options.Length >= 4)
        {
            var code = BinaryPrimitives.ReadUInt16LittleEndian(options);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(options[2..]);
            if (code == 0)
            {
                break;
            }

            result[code] = Encoding.UTF8.GetString(options.Slice(4, length));
            options = options[(4 + ((length + 3) & ~3))..];
        }

        return result;
    }
}
