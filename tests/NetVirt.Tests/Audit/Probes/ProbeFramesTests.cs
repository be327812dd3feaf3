using System.Net;
using NetVirt.Audit.Frames;
using NetVirt.Audit.Probes;

namespace NetVirt.Tests.Audit.Probes;

public sealed class ProbeFramesTests
{
    private static readonly MacAddress Mac = MacAddress.Parse("02:4e:56:81:00:01");

    [Fact]
    public void NeighborSolicitation_ToSolicitedNodeGroup_ParsesAsSolicitationWithTagInTrailer()
    {
        var buffer = new byte[256];
        var tag = new ProbeTag(0x1234_5678_0000_0006);
        var length = ProbeFrames.NeighborSolicitation(buffer, Mac, IPAddress.Parse("fd81:100::11"), IPAddress.Parse("fd81:100::12"), tag);
        var frame = buffer.AsSpan(0, length);
        var parsed = FrameParser.Parse(frame);

        Assert.Equal(FrameError.None, parsed.Error);
        Assert.Equal(MacAddress.Parse("33:33:ff:00:00:12"), parsed.Destination);
        Assert.True(ProbeSignature.Matches(ProbeKind.NeighborSolicitation, parsed));
        Assert.Equal(255, parsed.HopLimit);
        Assert.True(ProbeTag.TryFind(frame, out var found, out _));
        Assert.Equal(tag, found);
        Assert.True(parsed.ChecksumsValid);
        Console.WriteLine(Convert.ToHexString(frame));
    }
}
