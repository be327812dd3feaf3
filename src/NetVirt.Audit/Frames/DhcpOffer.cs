using System.Net;

namespace NetVirt.Audit.Frames;

/// <summary>
/// A minimal DHCPOFFER (RFC 2131/2132) as a rogue server would send it: the dhcp-spoof probe injects one from a zone
/// and checks that no other zone receives it.
/// </summary>
/// <param name="TransactionId">xid of the client's DISCOVER.</param>
/// <param name="ClientHardwareAddress">chaddr.</param>
/// <param name="YourAddress">yiaddr: the address offered.</param>
/// <param name="ServerIdentifier">Option 54; also the usual IPv4 source.</param>
public sealed record DhcpOffer(uint TransactionId, MacAddress ClientHardwareAddress, IPAddress YourAddress, IPAddress ServerIdentifier)
{
    /// <summary>UDP port of DHCP servers.</summary>
    public const ushort ServerPort = 67;

    /// <summary>UDP port of DHCP clients.</summary>
    public const ushort ClientPort = 68;

    /// <summary>Option code the builder uses for caller data such as a probe tag (site-specific range, RFC 3942).</summary>
    public const byte PrivateOptionCode = 224;

    /// <summary>Option 51, lease time in seconds.</summary>
    public uint LeaseSeconds { get; init; } = 3600;

    /// <summary>Option 1, or null to omit.</summary>
    public IPAddress? SubnetMask { get; init; }

    /// <summary>Option 3, or null to omit.</summary>
    public IPAddress? Router { get; init; }

    /// <summary>siaddr (next server), or null for 0.0.0.0.</summary>
    public IPAddress? NextServer { get; init; }

    /// <summary>Sets the broadcast bit in flags (reply must be broadcast).</summary>
    public bool Broadcast { get; init; }
}
