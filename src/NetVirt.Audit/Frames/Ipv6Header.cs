using System.Net;

namespace NetVirt.Audit.Frames;

/// <summary>
/// The fields of an IPv6 header that a builder takes from the caller (RFC 8200). Payload length and next header are
/// computed; no extension headers are written.
/// </summary>
/// <param name="Source">Source address.</param>
/// <param name="Destination">Destination address.</param>
public sealed record Ipv6Header(IPAddress Source, IPAddress Destination)
{
    /// <summary>Header length.</summary>
    public const int Length = 40;

    /// <summary>Hop limit; neighbour discovery requires 255.</summary>
    public byte HopLimit { get; init; } = 64;

    /// <summary>Traffic class.</summary>
    public byte TrafficClass { get; init; }

    /// <summary>Flow label, 20 bits.</summary>
    public uint FlowLabel { get; init; }
}
