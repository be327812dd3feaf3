using System.Diagnostics;
using System.Globalization;
using System.Net;
using NetVirt.Audit.Probes;
using NetVirt.Model.Addressing;

namespace NetVirt.Bench;

/// <summary>
/// The per-frame costs of the audit's hot path, in one process and without root: building probe frames with
/// PacketDotNet, and recognising a captured probe (what the capture thread does for every frame) two ways: the
/// span scan for the tag plus a byte comparison with the probe as sent (what the audit does), against decoding the
/// frame with PacketDotNet and checking its kind (what it does only for frames that differ from the probe as sent).
/// The mix is the eleven probe frames of the audit, round-robin, each with its own tag.
/// </summary>
public sealed class FramesBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "frames";

    /// <inheritdoc />
    public string Description => "per-frame cost of building probes (PacketDotNet) and of recognising captured ones: tag scan + compare vs PacketDotNet decode (args: frames=2000000)";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var count = int.Parse(args.FirstOrDefault(a => a.StartsWith("frames=", StringComparison.Ordinal))?[7..] ?? "2000000", CultureInfo.InvariantCulture);
        var source = MacAddress.Parse("02:4e:56:00:00:01");
        var peer = MacAddress.Parse("02:4e:56:00:00:02");
        var (a4, b4, a6, b6) = (IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), IPAddress.Parse("fd00::1"), IPAddress.Parse("fd00::2"));
        var kinds = new (ProbeKind Kind, FrameWriter Write)[]
        {
            (ProbeKind.ArpBroadcast, (d, t) => ProbeFrames.Arp(d, source, MacAddress.Broadcast, source, a4, a4, t)),
            (ProbeKind.ArpUnicast, (d, t) => ProbeFrames.Arp(d, source, peer, source, a4, b4, t)),
            (ProbeKind.Icmpv4Echo, (d, t) => ProbeFrames.Echo(d, source, peer, a4, b4, t)),
            (ProbeKind.Udpv4, (d, t) => ProbeFrames.Udp(d, source, peer, a4, b4, t)),
            (ProbeKind.NeighborSolicitation, (d, t) => ProbeFrames.NeighborSolicitation(d, source, a6, b6, t)),
            (ProbeKind.Icmpv6Echo, (d, t) => ProbeFrames.Echo(d, source, peer, a6, b6, t)),
            (ProbeKind.Udpv6, (d, t) => ProbeFrames.Udp(d, source, peer, a6, b6, t)),
            (ProbeKind.SpoofSourceIpv4, (d, t) => ProbeFrames.BroadcastEcho(d, source, IPAddress.Parse("192.0.2.1"), t)),
            (ProbeKind.SpoofSourceIpv6, (d, t) => ProbeFrames.AllNodesEcho(d, source, IPAddress.Parse("2001:db8::1"), t)),
            (ProbeKind.RogueDhcpServer, (d, t) => ProbeFrames.DhcpOffer(d, source, a4, b4, t)),
            (ProbeKind.VlanDoubleTagged, (d, t) => ProbeFrames.Arp(d, source, MacAddress.Broadcast, source, a4, a4, t, [100, 200])),
        };

        // Build: the plan's frames, as the audit builds them (every one with its own tag), after a warm-up.
        var buffer = new byte[512];
        for (var i = 0; i < 20_000; i++)
        {
            kinds[i % kinds.Length].Write(buffer, new ProbeTag((ulong)i));
        }

        var build = Stopwatch.StartNew();
        var built = Math.Min(count, 500_000);
        for (var i = 0; i < built; i++)
        {
            kinds[i % kinds.Length].Write(buffer, new ProbeTag((ulong)i));
        }

        var buildNs = build.Elapsed.TotalNanoseconds / built;

        // The per-pair probes as the planner builds them: from templates (ProbeFrameBuilder), against from scratch.
        var builder = new ProbeFrameBuilder();
        var pairKinds = new FrameWriter[]
        {
            (d, t) => builder.Arp(d, source, peer, source, a4, b4, t),
            (d, t) => builder.Echo(d, source, peer, a4, b4, t),
            (d, t) => builder.Udp(d, source, peer, a4, b4, t),
            (d, t) => builder.NeighborSolicitation(d, source, a6, b6, t),
            (d, t) => builder.Echo(d, source, peer, a6, b6, t),
            (d, t) => builder.Udp(d, source, peer, a6, b6, t),
        };
        var scratchKinds = new[] { kinds[1].Write, kinds[2].Write, kinds[3].Write, kinds[4].Write, kinds[5].Write, kinds[6].Write };
        var pairNs = new double[2];
        foreach (var (writers, slot) in new[] { (scratchKinds, 0), (pairKinds, 1) })
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < built; i++)
            {
                writers[i % writers.Length](buffer, new ProbeTag((ulong)i));
            }

            pairNs[slot] = clock.Elapsed.TotalNanoseconds / built;
        }
        var frames = new byte[4096][];
        for (var i = 0; i < frames.Length; i++)
        {
            var length = kinds[i % kinds.Length].Write(buffer, new ProbeTag((ulong)i));
            frames[i] = buffer[..length];
        }

        // Recognise, as the capture thread does: find the tag, then compare with the probe as sent.
        var matched = 0L;
        var scan = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var frame = frames[i & (frames.Length - 1)];
            if (ProbeTag.TryFind(frame, out var tag, out _))
            {
                var sent = frames[(int)tag.Id & (frames.Length - 1)];
                matched += ProbeSignature.Matches(kinds[(int)tag.Id % kinds.Length].Kind, frame, sent) ? 1 : 0;
            }
        }

        var scanNs = scan.Elapsed.TotalNanoseconds / count;

        // The same decision by decoding every frame with PacketDotNet (copy, parse, extract the layer the kind needs).
        var decoded = 0L;
        var decodeCount = Math.Min(count, 1_000_000);
        var decode = Stopwatch.StartNew();
        for (var i = 0; i < decodeCount; i++)
        {
            var frame = frames[i & (frames.Length - 1)];
            decoded += ProbeSignature.Matches(kinds[(i & (frames.Length - 1)) % kinds.Length].Kind, ProbeSignature.Decode(frame)) ? 1 : 0;
        }

        var decodeNs = decode.Elapsed.TotalNanoseconds / decodeCount;
        var (sharpPcapNs, inPlaceNs) = HeaderCosts(Math.Min(count, 2_000_000));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores; {kinds.Length} probe kinds round-robin; matched {matched:N0} of {count:N0} by scan, {decoded:N0} of {decodeCount:N0} by decoding"));
        Console.WriteLine();
        Console.WriteLine("| step | per frame | frames/s |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| build a probe frame from scratch (PacketDotNet), all eleven kinds | {buildNs:F0} ns | {1e9 / buildNs:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| build a per-pair probe from scratch (ARP, ICMP, UDP, NS) | {pairNs[0]:F0} ns | {1e9 / pairNs[0]:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| build a per-pair probe from a decoded template (ProbeFrameBuilder) | {pairNs[1]:F0} ns | {1e9 / pairNs[1]:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| recognise: tag scan + compare with the probe as sent | {scanNs:F0} ns | {1e9 / scanNs:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| recognise: PacketDotNet decode + kind check | {decodeNs:F0} ns | {1e9 / decodeNs:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| read the pcap_pkthdr: SharpPcap PcapHeader.FromPointer | {sharpPcapNs:F0} ns | {1e9 / sharpPcapNs:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| read the pcap_pkthdr in place (CaptureFrameHeader's layout) | {inPlaceNs:F1} ns | {1e9 / inPlaceNs:N0} |"));
        return Task.FromResult(matched == count && decoded == decodeCount ? 0 : 1);
    }

    // What the capture thread does with the header of every frame, both ways, over one header in native memory.
    private static unsafe (double SharpPcapNs, double InPlaceNs) HeaderCosts(int count)
    {
        var header = (long*)System.Runtime.InteropServices.NativeMemory.Alloc(24);
        try
        {
            header[0] = 1_700_000_000;
            header[1] = 123_456;
            ((uint*)header)[4] = 60;
            ((uint*)header)[5] = 60;
            long sum = 0;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                var h = SharpPcap.LibPcap.PcapHeader.FromPointer((nint)header, SharpPcap.TimestampResolution.Microsecond);
                sum += ((long)h.Timeval.Seconds * 1_000_000) + (long)h.Timeval.MicroSeconds + h.CaptureLength;
            }

            var sharpPcap = clock.Elapsed.TotalNanoseconds / count;
            clock.Restart();
            for (var i = 0; i < count; i++)
            {
                sum -= (header[0] * 1_000_000) + header[1] + ((uint*)header)[4];
            }

            var inPlace = clock.Elapsed.TotalNanoseconds / count;
            return sum == 0 ? (sharpPcap, inPlace) : throw new InvalidOperationException("the two reads disagree");
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(header);
        }
    }
}
