using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace NetVirt.Audit.Frames;

public static partial class FrameBuilder
{
    /// <summary>Fixed BOOTP fields up to and including the DHCP magic cookie (RFC 2131 figure 1).</summary>
    public const int BootpFixedLength = 240;

    /// <summary>Smallest BOOTP message (RFC 1542 section 2.1); servers pad shorter ones with zeros.</summary>
    public const int BootpMinimumLength = 300;

    /// <summary>The DHCP magic cookie 99.130.83.99.</summary>
    public const uint DhcpMagicCookie = 0x63825363;

    /// <summary>
    /// Writes a DHCPOFFER from UDP port 67 to 68. <paramref name="ip"/> names the rogue server as source and, usually,
    /// the offered address or 255.255.255.255 as destination. <paramref name="privateOption"/> (up to 255 bytes, e.g.
    /// a probe tag) goes into option <see cref="DhcpOffer.PrivateOptionCode"/>; empty leaves it out.
    /// </summary>
    public static int WriteDhcpOffer(Span<byte> destination, EthernetHeader ethernet, Ipv4Header ip, DhcpOffer offer, ReadOnlySpan<byte> privateOption = default, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentNullException.ThrowIfNull(offer);
        var bootpLength = DhcpOfferLength(offer, privateOption);
        var udpLength = UdpHeaderLength + bootpLength;
        var total = Reserve(destination, ethernet, Ipv4Header.Length + udpLength, trailer, padToMinimum);
        var offset = WriteEthernetHeader(destination, ethernet, EtherTypes.Ipv4);
        var header = destination[offset..];
        offset += WriteIpv4Header(header, ip, IpProtocols.Udp, udpLength);

        // Build the BOOTP message in place as the UDP payload, then let the UDP writer add header and checksum.
        var udp = destination.Slice(offset, udpLength);
        WriteBootpOffer(udp[UdpHeaderLength..], offer, privateOption);
        WriteUdpDatagram(udp, header.Slice(12, 4), header.Slice(16, 4), DhcpOffer.ServerPort, DhcpOffer.ClientPort, udp[UdpHeaderLength..]);
        return Finish(destination, offset + udpLength, trailer, total);
    }

    /// <summary>Builds a DHCPOFFER frame.</summary>
    public static byte[] BuildDhcpOffer(EthernetHeader ethernet, Ipv4Header ip, DhcpOffer offer, ReadOnlySpan<byte> privateOption = default, ReadOnlySpan<byte> trailer = default, bool padToMinimum = true)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var networkLength = Ipv4Header.Length + UdpHeaderLength + DhcpOfferLength(offer, privateOption);
        var frame = new byte[FrameLength(ethernet, networkLength, trailer.Length, padToMinimum)];
        WriteDhcpOffer(frame, ethernet, ip, offer, privateOption, trailer, padToMinimum);
        return frame;
    }

    private static int DhcpOfferLength(DhcpOffer offer, ReadOnlySpan<byte> privateOption)
    {
        if (privateOption.Length > byte.MaxValue)
        {
            throw new ArgumentException($"DHCP option data is at most 255 bytes, got {privateOption.Length}", nameof(privateOption));
        }

        var options = 3 + 6 + 6 // message type, server identifier, lease time
            + (offer.SubnetMask is null ? 0 : 6)
            + (offer.Router is null ? 0 : 6)
            + (privateOption.IsEmpty ? 0 : 2 + privateOption.Length)
            + 1; // end
        return Math.Max(BootpMinimumLength, BootpFixedLength + options);
    }

    private static void WriteBootpOffer(Span<byte> message, DhcpOffer offer, ReadOnlySpan<byte> privateOption)
    {
        // Written straight into the UDP payload area: clear it so sname, file and the trailing pad are zero.
        message.Clear();
        message[0] = 2; // op BOOTREPLY
        message[1] = 1; // htype Ethernet
        message[2] = MacAddress.Length; // hlen
        message[3] = 0; // hops
        BinaryPrimitives.WriteUInt32BigEndian(message[4..], offer.TransactionId);
        BinaryPrimitives.WriteUInt16BigEndian(message[8..], 0); // secs
        BinaryPrimitives.WriteUInt16BigEndian(message[10..], offer.Broadcast ? (ushort)0x8000 : (ushort)0);

        // ciaddr (12) stays 0.0.0.0; giaddr (24) too: no relay.
        WriteAddress(message[16..], offer.YourAddress, AddressFamily.InterNetwork, nameof(offer.YourAddress));
        WriteAddress(message[20..], offer.NextServer ?? IPAddress.Any, AddressFamily.InterNetwork, nameof(offer.NextServer));
        offer.ClientHardwareAddress.WriteTo(message[28..]); // chaddr, 16 bytes with zero fill
        BinaryPrimitives.WriteUInt32BigEndian(message[236..], DhcpMagicCookie);

        var at = BootpFixedLength;
        message[at++] = 53;
        message[at++] = 1;
        message[at++] = (byte)DhcpMessageType.Offer;
        at = WriteAddressOption(message, at, 54, offer.ServerIdentifier, nameof(offer.ServerIdentifier));
        message[at++] = 51;
        message[at++] = 4;
        BinaryPrimitives.WriteUInt32BigEndian(message[at..], offer.LeaseSeconds);
        at += 4;
        if (offer.SubnetMask is not null)
        {
            at = WriteAddressOption(message, at, 1, offer.SubnetMask, nameof(offer.SubnetMask));
        }

        if (offer.Router is not null)
        {
            at = WriteAddressOption(message, at, 3, offer.Router, nameof(offer.Router));
        }

        if (!privateOption.IsEmpty)
        {
            message[at++] = DhcpOffer.PrivateOptionCode;
            message[at++] = (byte)privateOption.Length;
            privateOption.CopyTo(message[at..]);
            at += privateOption.Length;
        }

        message[at] = 255; // end; the rest up to 300 bytes stays zero (pad)
    }

    private static int WriteAddressOption(Span<byte> message, int at, byte code, IPAddress address, string name)
    {
        message[at] = code;
        message[at + 1] = 4;
        WriteAddress(message[(at + 2)..], address, AddressFamily.InterNetwork, name);
        return at + 6;
    }
}
