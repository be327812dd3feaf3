using NetVirt.Audit.Probes;

namespace NetVirt.Tests.Audit.Probes;

public sealed class ProbeTagTests
{
    [Fact]
    public void ToArray_EncodesMagicAndBigEndianId()
    {
        var bytes = new ProbeTag(0x0102030405060708).ToArray();

        Assert.Equal("4E5650540102030405060708", Convert.ToHexString(bytes));
    }

    [Fact]
    public void TryFind_TagInMiddle_ReturnsIdAndOffset()
    {
        var frame = new byte[100];
        new ProbeTag(42).WriteTo(frame.AsSpan(61));

        Assert.True(ProbeTag.TryFind(frame, out var tag, out var offset));
        Assert.Equal(new ProbeTag(42), tag);
        Assert.Equal(61, offset);
    }

    [Fact]
    public void TryFind_MagicWithoutRoomForId_ReturnsFalse()
    {
        var frame = new byte[20];
        "NVPT"u8.CopyTo(frame.AsSpan(12));

        Assert.False(ProbeTag.TryFind(frame, out _, out var offset));
        Assert.Equal(-1, offset);
    }

    [Fact]
    public void IndexIn_OtherTagPresent_ReturnsMinusOne()
    {
        var frame = new byte[60];
        new ProbeTag(1).WriteTo(frame.AsSpan(40));

        Assert.Equal(40, new ProbeTag(1).IndexIn(frame));
        Assert.Equal(-1, new ProbeTag(2).IndexIn(frame));
    }
}
