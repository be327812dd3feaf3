using System.Buffers.Binary;
using NetVirt.Audit.Capture;

namespace NetVirt.Tests.Audit.Capture;

public sealed class PcapFileReaderTests
{
    [Fact]
    public void Parse_SavefileWrittenByTcpdump_ReadsEveryRecord()
    {
        var file = PcapFileReader.Parse(FrameFixtures.Load("tcpdump-capture.pcap"));

        Assert.Equal(LinkTypes.Ethernet, file.LinkType);
        Assert.Equal(262144, file.SnapshotLength); // tcpdump -s 0
        Assert.Equal(26, file.Records.Count);
        Assert.All(file.Records, r => Assert.Equal(r.OriginalLength, r.Data.Length));
        Assert.All(file.Records.Zip(file.Records.Skip(1)), pair => Assert.True(pair.First.TimestampMicroseconds <= pair.Second.TimestampMicroseconds));
    }

    [Theory]
    [InlineData("arp-request")]
    [InlineData("arp-reply")]
    [InlineData("udp4")]
    [InlineData("ndp-neighbor-advertisement")]
    [InlineData("icmp6-echo-reply")]
    public void Parse_SavefileWrittenByTcpdump_ContainsTheSplitFixture(string fixture)
    {
        var expected = Convert.ToHexString(FrameFixtures.Load(fixture));

        var file = PcapFileReader.Parse(FrameFixtures.Load("tcpdump-capture.pcap"));

        Assert.Contains(file.Records, r => Convert.ToHexString(r.Data) == expected);
    }

    [Fact]
    public void Parse_BigEndianNanosecondFile_ConvertsToMicroseconds()
    {
        var data = new byte[24 + 16 + 2];
        BinaryPrimitives.WriteUInt32BigEndian(data, 0xa1b23c4d);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(16), 1500);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(24), 7);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(28), 123_456_789);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(32), 2);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(36), 2);

        var file = PcapFileReader.Parse(data);

        Assert.True(file.NanosecondTimestamps);
        Assert.Equal(7_123_456, Assert.Single(file.Records).TimestampMicroseconds);
    }

    [Fact]
    public void Parse_PcapngMagic_ThrowsInvalidData()
    {
        var data = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(data, 0x0a0d0d0a);

        var error = Assert.Throws<InvalidDataException>(() => PcapFileReader.Parse(data));

        Assert.Contains("pcapng", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RecordLongerThanFile_ThrowsInvalidData()
    {
        var data = FrameFixtures.Load("tcpdump-capture.pcap");

        Assert.Throws<InvalidDataException>(() => PcapFileReader.Parse(data.AsSpan(0, data.Length - 1)));
    }
}
