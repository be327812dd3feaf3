using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using NetVirt.Model.Addressing;
using PacketDotNet;

namespace NetVirt.Audit.Probes;

/// <summary>
/// Builds the per-pair probes (N² of them: ARP, ICMP echo, UDP and neighbour solicitation to every peer) from a few
/// templates instead of from scratch: the first frame of each shape is built by <see cref="ProbeFrames"/> and decoded
/// once with PacketDotNet; every later frame of that shape sets addresses and tag through the decoded packet's
/// properties, lets PacketDotNet recompute the checksums, and copies the bytes out. The frames are byte for byte what
/// <see cref="ProbeFrames"/> builds for the same fields (tested); building them costs a fraction of building each
/// packet tree anew (measured in the <c>frames</c> benchmark). Not thread-safe: one builder per planning pass.
/// </summary>
public sealed class ProbeFrameBuilder
{
    private readonly Dictionary<MacAddress, PhysicalAddress> physical = [];
    private Template? arp;
    private Template? echo4;
    private Template? echo6;
    private Template? udp4;
    private Template? udp6;
    private Template? solicitation;

    /// <summary>As <see cref="ProbeFrames.Arp"/> without VLAN tags.</summary>
    public int Arp(Span<byte> destination, MacAddress source, MacAddress to, MacAddress senderMac, IPAddress senderIp, IPAddress targetIp, ProbeTag tag)
    {
        var t = arp ??= Template.Of(d => ProbeFrames.Arp(d, source, to, senderMac, senderIp, targetIp, tag));
        SetEthernet(t, source, to);
        var packet = t.Layer<ArpPacket>();
        packet.SenderHardwareAddress = Physical(senderMac);
        packet.SenderProtocolAddress = senderIp;
        packet.TargetProtocolAddress = targetIp;
        tag.WriteTo(t.Bytes.AsSpan(packet.HeaderSegment.Offset + packet.HeaderSegment.Length)); // the padding after the ARP packet
        return t.CopyTo(destination);
    }

    /// <summary>As <see cref="ProbeFrames.Echo"/>.</summary>
    public int Echo(Span<byte> destination, MacAddress source, MacAddress to, IPAddress from, IPAddress target, ProbeTag tag)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (from.AddressFamily == AddressFamily.InterNetwork)
        {
            var t = echo4 ??= Template.Of(d => ProbeFrames.Echo(d, source, to, from, target, tag));
            SetEthernet(t, source, to);
            var ip = SetIp(t, from, target);
            var icmp = t.Layer<IcmpV4Packet>();
            icmp.Sequence = (ushort)tag.Id;
            tag.WriteTo(t.Bytes.AsSpan(icmp.PayloadDataSegment.Offset));
            icmp.UpdateIcmpChecksum();
            ((IPv4Packet)ip).UpdateIPChecksum();
            return t.CopyTo(destination);
        }

        var t6 = echo6 ??= Template.Of(d => ProbeFrames.Echo(d, source, to, from, target, tag));
        SetEthernet(t6, source, to);
        SetIp(t6, from, target);
        var icmp6 = t6.Layer<IcmpV6Packet>();
        var message = t6.Bytes.AsSpan(icmp6.HeaderSegment.Offset);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], (ushort)tag.Id); // identifier at 4, sequence at 6 (RFC 4443 4.1)
        tag.WriteTo(message[8..]);
        icmp6.UpdateIcmpChecksum();
        return t6.CopyTo(destination);
    }

    /// <summary>As <see cref="ProbeFrames.Udp"/>.</summary>
    public int Udp(Span<byte> destination, MacAddress source, MacAddress to, IPAddress from, IPAddress target, ProbeTag tag)
    {
        ArgumentNullException.ThrowIfNull(from);
        var v4 = from.AddressFamily == AddressFamily.InterNetwork;
        var t = v4 ? udp4 ??= Template.Of(d => ProbeFrames.Udp(d, source, to, from, target, tag)) : udp6 ??= Template.Of(d => ProbeFrames.Udp(d, source, to, from, target, tag));
        SetEthernet(t, source, to);
        var ip = SetIp(t, from, target);
        var udp = t.Layer<UdpPacket>();
        tag.WriteTo(t.Bytes.AsSpan(udp.PayloadDataSegment.Offset));
        udp.UpdateUdpChecksum();
        (ip as IPv4Packet)?.UpdateIPChecksum();
        return t.CopyTo(destination);
    }

    /// <summary>As <see cref="ProbeFrames.NeighborSolicitation"/>.</summary>
    public int NeighborSolicitation(Span<byte> destination, MacAddress source, IPAddress from, IPAddress target, ProbeTag tag, (MacAddress Mac, IPAddress Address)? unicast = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var t = solicitation ??= Template.Of(d => ProbeFrames.NeighborSolicitation(d, source, from, target, tag));
        var group = ProbeFrames.SolicitedNodeAddress(target);
        SetEthernet(t, source, unicast?.Mac ?? ProbeFrames.MulticastMac(group));
        SetIp(t, from, unicast?.Address ?? group);
        var icmp6 = t.Layer<IcmpV6Packet>();
        var message = t.Bytes.AsSpan(icmp6.HeaderSegment.Offset);
        target.TryWriteBytes(message[8..24], out _); // target address (RFC 4861 4.3)
        source.WriteBytes(message[26..32]); // source link-layer address option
        tag.WriteTo(message[34..]); // nonce option
        icmp6.UpdateIcmpChecksum();
        return t.CopyTo(destination);
    }

    private void SetEthernet(Template t, MacAddress source, MacAddress to)
    {
        var ethernet = (EthernetPacket)t.Packet;
        ethernet.SourceHardwareAddress = Physical(source);
        ethernet.DestinationHardwareAddress = Physical(to);
    }

    private static IPPacket SetIp(Template t, IPAddress from, IPAddress target)
    {
        var ip = t.Layer<IPPacket>();
        ip.SourceAddress = from;
        ip.DestinationAddress = target;
        return ip;
    }

    private PhysicalAddress Physical(MacAddress mac)
    {
        if (!physical.TryGetValue(mac, out var address))
        {
            physical[mac] = address = new PhysicalAddress(mac.ToBytes());
        }

        return address;
    }

    private delegate int Write(Span<byte> destination);

    // A frame of one shape, decoded once over its own bytes; setting a property writes into those bytes.
    private sealed class Template(byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;

        private readonly Dictionary<Type, Packet> layers = [];

        public Packet Packet { get; } = Packet.ParsePacket(LinkLayers.Ethernet, bytes);

        // The decoded layers share the template's bytes, so each is looked up once and written through ever after.
        public T Layer<T>() where T : Packet
        {
            if (!layers.TryGetValue(typeof(T), out var layer))
            {
                layers[typeof(T)] = layer = Packet.Extract<T>();
            }

            return (T)layer;
        }

        public static Template Of(Write write)
        {
            var buffer = new byte[512];
            var length = write(buffer);
            return new Template(buffer[..length]);
        }

        public int CopyTo(Span<byte> destination)
        {
            Bytes.CopyTo(destination);
            return Bytes.Length;
        }
    }
}
