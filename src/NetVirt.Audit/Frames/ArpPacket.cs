using System.Net;

namespace NetVirt.Audit.Frames;

/// <summary>An ARP packet for IPv4 over Ethernet (htype 1, ptype 0x0800, hlen 6, plen 4).</summary>
/// <param name="Operation">Request or reply.</param>
/// <param name="SenderHardwareAddress">Sender MAC.</param>
/// <param name="SenderProtocolAddress">Sender IPv4 address.</param>
/// <param name="TargetHardwareAddress">Target MAC; all zero in a request.</param>
/// <param name="TargetProtocolAddress">Target IPv4 address.</param>
public sealed record ArpPacket(
    ArpOperation Operation,
    MacAddress SenderHardwareAddress,
    IPAddress SenderProtocolAddress,
    MacAddress TargetHardwareAddress,
    IPAddress TargetProtocolAddress)
{
    /// <summary>Length of the ARP packet itself; the Ethernet frame is padded after it.</summary>
    public const int Length = 28;
}
