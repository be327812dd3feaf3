using System.Net;
using NetVirt.Audit.Probes;
using NetVirt.Model.Addressing;

namespace NetVirt.Tests.Audit.Probes;

public sealed class ProbeFrameBuilderTests
{
    // Varied addresses and tags, so every field of the template is overwritten at least once with different bytes.
    public static TheoryData<int> Seeds => [0, 1, 2, 3, 17, 255];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Build_FromTemplates_IsByteForByteWhatProbeFramesBuilds(int seed)
    {
        var builder = new ProbeFrameBuilder();
        var random = new Random(seed);
        for (var i = 0; i < 200; i++)
        {
            var source = Mac(random);
            var to = Mac(random);
            var (a4, b4) = (Ipv4(random), Ipv4(random));
            var (a6, b6) = (Ipv6(random), Ipv6(random));
            var tag = new ProbeTag((ulong)random.NextInt64());

            Same(d => ProbeFrames.Arp(d, source, to, source, a4, b4, tag), d => builder.Arp(d, source, to, source, a4, b4, tag));
            Same(d => ProbeFrames.Echo(d, source, to, a4, b4, tag), d => builder.Echo(d, source, to, a4, b4, tag));
            Same(d => ProbeFrames.Echo(d, source, to, a6, b6, tag), d => builder.Echo(d, source, to, a6, b6, tag));
            Same(d => ProbeFrames.Udp(d, source, to, a4, b4, tag), d => builder.Udp(d, source, to, a4, b4, tag));
            Same(d => ProbeFrames.Udp(d, source, to, a6, b6, tag), d => builder.Udp(d, source, to, a6, b6, tag));
            Same(d => ProbeFrames.NeighborSolicitation(d, source, a6, b6, tag), d => builder.NeighborSolicitation(d, source, a6, b6, tag));
            var peer = Ipv6(random);
            Same(d => ProbeFrames.NeighborSolicitation(d, source, a6, b6, tag, (to, peer)), d => builder.NeighborSolicitation(d, source, a6, b6, tag, (to, peer)));
        }
    }

    private delegate int Write(Span<byte> destination);

    private static void Same(Write expected, Write actual)
    {
        var a = new byte[512];
        var b = new byte[512];
        var la = expected(a);
        var lb = actual(b);
        Assert.Equal(Convert.ToHexString(a, 0, la), Convert.ToHexString(b, 0, lb));
    }

    private static MacAddress Mac(Random random)
    {
        var bytes = new byte[6];
        random.NextBytes(bytes);
        bytes[0] = (byte)((bytes[0] & 0xfe) | 0x02); // unicast, locally administered
        return MacAddress.FromBytes(bytes);
    }

    private static IPAddress Ipv4(Random random) => new([10, (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(1, 255)]);

    private static IPAddress Ipv6(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        bytes[0] = 0xfd;
        return new IPAddress(bytes);
    }
}
