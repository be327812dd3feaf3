using NetVirt.Audit.Capture;

namespace NetVirt.Tests.Audit.Capture;

public sealed class PcapFileWriterTests
{
    [Fact]
    public void Constructor_WritesClassicLittleEndianHeader()
    {
        using var stream = new MemoryStream();

        using (new PcapFileWriter(stream, leaveOpen: true))
        {
        }

        // magic a1b2c3d4, version 2.4, thiszone 0, sigfigs 0, snaplen 65535, LINKTYPE_ETHERNET, all little-endian.
        Assert.Equal("D4C3B2A1020004000000000000000000FFFF000001000000", Convert.ToHexString(stream.ToArray()));
    }

    [Fact]
    public void WriteRecord_Frame_WritesTimestampLengthsAndBytes()
    {
        using var stream = new MemoryStream();
        using (var writer = new PcapFileWriter(stream, leaveOpen: true))
        {
            writer.WriteRecord([0xaa, 0xbb, 0xcc], timestampMicroseconds: 1_700_000_000_123_456);
            Assert.Equal(1, writer.RecordsWritten);
        }

        var record = stream.ToArray()[PcapFileWriter.FileHeaderLength..];

        // ts_sec 1700000000 = 0x6553f100, ts_usec 123456 = 0x0001e240, incl_len 3, orig_len 3.
        Assert.Equal("00F1536540E20100030000000300000" + "0AABBCC", Convert.ToHexString(record));
    }

    [Fact]
    public void WriteRecord_LongerThanSnapshot_CutsAndKeepsOriginalLength()
    {
        using var stream = new MemoryStream();
        using (var writer = new PcapFileWriter(stream, snapshotLength: 4, leaveOpen: true))
        {
            writer.WriteRecord(new byte[10], 5, originalLength: 1514);
        }

        var file = PcapFileReader.Parse(stream.ToArray());

        var record = Assert.Single(file.Records);
        Assert.Equal(4, record.Data.Length);
        Assert.Equal(1514, record.OriginalLength);
        Assert.Equal(4, file.SnapshotLength);
    }

    [Fact]
    public async Task CapturedFrames_WrittenToFile_ReadBackEqual()
    {
        var path = Path.Combine(Path.GetTempPath(), $"netvirt-{Guid.NewGuid():n}.pcap");
        try
        {
            var frames = new[]
            {
                new CapturedFrame(0, new CaptureFrameInfo(1_000_000, 3, 3), [1, 2, 3]),
                new CapturedFrame(1, new CaptureFrameInfo(2_500_000, 2, 60), [4, 5]),
            };
            await using (var writer = PcapFileWriter.Create(path))
            {
                foreach (var frame in frames)
                {
                    writer.WriteRecord(frame);
                }
            }

            var file = await PcapFileReader.ReadFileAsync(path);

            Assert.Equal(LinkTypes.Ethernet, file.LinkType);
            Assert.False(file.NanosecondTimestamps);
            Assert.Equal(2, file.Records.Count);
            Assert.Equal(new byte[] { 1, 2, 3 }, file.Records[0].Data);
            Assert.Equal(1_000_000, file.Records[0].TimestampMicroseconds);
            Assert.Equal(2_500_000, file.Records[1].TimestampMicroseconds);
            Assert.Equal(60, file.Records[1].OriginalLength);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
