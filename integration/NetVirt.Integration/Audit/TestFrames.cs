using System.Net;
using System.Net.NetworkInformation;
using System.Text;
using NetVirt.Audit.Probes;
using NetVirt.Model.Addressing;
using PacketDotNet;

namespace NetVirt.Integration.Audit;

/// <summary>Frames the capture tests send, built with PacketDotNet (and the audit's own probe builders).</summary>
internal static class TestFrames
{
    /// <summary>IEEE 802 local experimental EtherType 1: nothing on a test link uses it.</summary>
    public const ushort ExperimentalEtherType = 0x88b5;

    /// <summary>A broadcast ARP request from <paramref name="source"/> with <paramref name="tag"/> in its padding.</summary>
    public static byte[] ArpProbe(ProbeTag tag, MacAddress? source = null, ushort[]? vlans = null)
    {
        var buffer = new byte[128];
        var mac = source ?? NamespacePair.MacA;
        return buffer[..ProbeFrames.Arp(buffer, mac, MacAddress.Broadcast, mac, IPAddress.Parse("192.0.2.10"), IPAddress.Parse("192.0.2.11"), tag, vlans)];
    }

    /// <summary>An ICMP echo request from A to B carrying <paramref name="tag"/>.</summary>
    public static byte[] Echo(ProbeTag tag)
    {
        var buffer = new byte[128];
        return buffer[..ProbeFrames.Echo(buffer, NamespacePair.MacA, NamespacePair.MacB, IPAddress.Parse("192.0.2.10"), IPAddress.Parse("192.0.2.11"), tag)];
    }

    /// <summary>A broadcast frame of <paramref name="etherType"/> whose payload is the tag, padded to 60 bytes.</summary>
    public static byte[] Experimental(ProbeTag tag, MacAddress source, ushort etherType = ExperimentalEtherType) =>
        Pad(new EthernetPacket(Physical(source), Physical(MacAddress.Broadcast), (EthernetType)etherType) { PayloadData = tag.ToArray() }.Bytes);

    /// <summary>
    /// An ARP probe behind a service tag (0x88a8, <paramref name="outer"/>) and a customer tag (<paramref name="inner"/>).
    /// </summary>
    public static byte[] ServiceTaggedArp(ProbeTag tag, ushort outer, ushort inner)
    {
        var plain = ArpProbe(tag, vlans: [outer, inner]);
        plain[12] = 0x88; // the outer TPID: an S-tag instead of a C-tag
        plain[13] = 0xa8;
        return plain;
    }

    /// <summary>A UDP datagram with the given addresses (forged ones included).</summary>
    public static byte[] Udp(MacAddress to, MacAddress from, IPAddress source, IPAddress destination, ushort port, string payload = "probe")
    {
        var udp = new UdpPacket(40000, port) { PayloadData = Encoding.ASCII.GetBytes(payload) };
        var ip = new IPv4Packet(source, destination) { TimeToLive = 64, PayloadPacket = udp };
        var ethernet = new EthernetPacket(Physical(from), Physical(to), EthernetType.IPv4) { PayloadPacket = ip };
        _ = ethernet.BytesSegment;
        udp.UpdateUdpChecksum();
        ip.UpdateIPChecksum();
        return Pad(ethernet.Bytes);
    }

    private static byte[] Pad(byte[] frame) =>
        frame.Length >= ProbeFrames.MinimumFrameLength ? frame : [.. frame, .. new byte[ProbeFrames.MinimumFrameLength - frame.Length]];

    private static PhysicalAddress Physical(MacAddress mac) => new(mac.ToBytes());
}
