using System.Buffers.Binary;

namespace NetVirt.Audit.Capture;

/// <summary>
/// Reads classic libpcap savefiles (not pcapng): microsecond or nanosecond magic, either byte order. Small and strict;
/// meant for tests and for reading back what <see cref="PcapFileWriter"/> wrote.
/// </summary>
public static class PcapFileReader
{
    private const uint MagicNanoseconds = 0xa1b23c4d;

    /// <summary>Parses a whole savefile held in memory; throws <see cref="InvalidDataException"/> when malformed.</summary>
    public static PcapFile Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < PcapFileWriter.FileHeaderLength)
        {
            throw new InvalidDataException($"pcap file header needs {PcapFileWriter.FileHeaderLength} bytes, got {data.Length}");
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(data);
        bool bigEndian;
        bool nanoseconds;
        if (magic is PcapFileWriter.MagicMicroseconds or MagicNanoseconds)
        {
            bigEndian = false;
            nanoseconds = magic == MagicNanoseconds;
        }
        else if (BinaryPrimitives.ReverseEndianness(magic) is var swapped and (PcapFileWriter.MagicMicroseconds or MagicNanoseconds))
        {
            bigEndian = true;
            nanoseconds = swapped == MagicNanoseconds;
        }
        else
        {
            throw new InvalidDataException($"not a pcap file: magic 0x{magic:x8} (pcapng is not supported)");
        }

        var snapshotLength = (int)ReadUInt32(data[16..], bigEndian);
        var linkType = (int)(ReadUInt32(data[20..], bigEndian) & 0x0fffffff); // upper bits carry FCS flags
        var records = new List<PcapRecord>();
        var offset = PcapFileWriter.FileHeaderLength;
        while (offset < data.Length)
        {
            if (data.Length - offset < PcapFileWriter.RecordHeaderLength)
            {
                throw new InvalidDataException($"pcap record header at offset {offset} is truncated");
            }

            var header = data.Slice(offset, PcapFileWriter.RecordHeaderLength);
            long seconds = ReadUInt32(header, bigEndian);
            long fraction = ReadUInt32(header[4..], bigEndian);
            var included = ReadUInt32(header[8..], bigEndian);
            var original = ReadUInt32(header[12..], bigEndian);
            offset += PcapFileWriter.RecordHeaderLength;
            if (included > data.Length - offset)
            {
                throw new InvalidDataException($"pcap record at offset {offset - PcapFileWriter.RecordHeaderLength} claims {included} bytes, {data.Length - offset} left");
            }

            var micros = (seconds * 1_000_000) + (nanoseconds ? fraction / 1000 : fraction);
            records.Add(new PcapRecord(micros, (int)original, data.Slice(offset, (int)included).ToArray()));
            offset += (int)included;
        }

        return new PcapFile(linkType, snapshotLength, nanoseconds, records);
    }

    /// <summary>Reads and parses the savefile at <paramref name="path"/>.</summary>
    public static async Task<PcapFile> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(bytes);
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> data, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data) : BinaryPrimitives.ReadUInt32LittleEndian(data);
}
