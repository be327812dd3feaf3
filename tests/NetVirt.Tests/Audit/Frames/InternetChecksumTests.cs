using NetVirt.Audit.Frames;

namespace NetVirt.Tests.Audit.Frames;

public sealed class InternetChecksumTests
{
    [Fact]
    public void Compute_Rfc1071Example_MatchesHandSum()
    {
        // RFC 1071 section 3: words 0001 f203 f4f5 f6f7 sum to 2ddf0, folded ddf2; the checksum is its complement.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];

        Assert.Equal(0x220d, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Compute_Ipv4HeaderOfUdp4Fixture_MatchesHandSumAndCapture()
    {
        // Hand check of udp4.hex: 4500 + 0030 + 0097 + 4000 + 4011 + c000 + 020a + c000 + 020b = 2_49ed;
        // folded 49ed + 2 = 49ef; complement b610, which is what the kernel wrote at bytes 10-11.
        var header = FrameFixtures.Load("udp4").AsSpan(14, 20).ToArray();
        Assert.Equal(0xb6, header[10]);
        Assert.Equal(0x10, header[11]);
        header[10] = 0;
        header[11] = 0;

        Assert.Equal(0xb610, InternetChecksum.Compute(header));
    }

    [Fact]
    public void Compute_OddLength_PadsLastByteWithZero()
    {
        byte[] odd = [0x12, 0x34, 0x56];
        byte[] even = [0x12, 0x34, 0x56, 0x00];

        Assert.Equal(InternetChecksum.Compute(even), InternetChecksum.Compute(odd));
        Assert.Equal(0x97cb, InternetChecksum.Compute(odd)); // ~(1234 + 5600) = ~6834
    }

    [Fact]
    public void IsValid_DataWithItsChecksum_IsTrueAndFalseAfterCorruption()
    {
        byte[] data = [0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00];
        var checksum = InternetChecksum.Compute(data);
        data[4] = (byte)(checksum >> 8);
        data[5] = (byte)checksum;

        Assert.True(InternetChecksum.IsValid(data));
        data[0] ^= 1;
        Assert.False(InternetChecksum.IsValid(data));
    }

    [Fact]
    public void ComputeWithPseudoHeader_MixedAddressFamilies_Throws()
    {
        Assert.Throws<ArgumentException>(() => InternetChecksum.ComputeWithPseudoHeader(new byte[4], new byte[16], 17, []));
    }
}
