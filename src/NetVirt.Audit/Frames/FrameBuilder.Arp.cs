using System.Buffers.Binary;
using System.Net.Sockets;

namespace NetVirt.Audit.Frames;

public static partial class FrameBuilder
{
    /// <summary>Writes an ARP frame (IPv4 over Ethernet); unpadded it is 42 bytes plus 4 per VLAN tag.</summary>
    public static int WriteArp(Span<byte> destination, EthernetHeader ethernet, ArpPacket arp, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        ArgumentNullException.ThrowIfNull(arp);
        var total = Reserve(destination, ethernet, ArpPacket.Length, trailer, padToMinimum);
        var offset = WriteEthernetHeader(destination, ethernet, EtherTypes.Arp);
        var packet = destination.Slice(offset, ArpPacket.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet, 1); // htype Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], EtherTypes.Ipv4); // ptype
        packet[4] = MacAddress.Length;
        packet[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(packet[6..], (ushort)arp.Operation);
        arp.SenderHardwareAddress.WriteTo(packet[8..]);
        WriteAddress(packet[14..], arp.SenderProtocolAddress, AddressFamily.InterNetwork, nameof(arp.SenderProtocolAddress));
        arp.TargetHardwareAddress.WriteTo(packet[18..]);
        WriteAddress(packet[24..], arp.TargetProtocolAddress, AddressFamily.InterNetwork, nameof(arp.TargetProtocolAddress));
        return Finish(destination, offset + ArpPacket.Length, trailer, total);
    }

    /// <summary>Builds an ARP frame.</summary>
    public static byte[] BuildArp(EthernetHeader ethernet, ArpPacket arp, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        var frame = new byte[FrameLength(ethernet, ArpPacket.Length, trailer.Length, padToMinimum)];
        WriteArp(frame, ethernet, arp, trailer, padToMinimum);
        return frame;
    }
}
