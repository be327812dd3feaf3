using System.Net;

namespace NetVirt.Audit.Frames;

/// <summary>
/// The fields of an IPv4 header that a builder takes from the caller (RFC 791). Version, IHL (always 5: no options),
/// total length, protocol and header checksum are computed.
/// </summary>
/// <param name="Source">Source address.</param>
/// <param name="Destination">Destination address.</param>
public sealed record Ipv4Header(IPAddress Source, IPAddress Destination)
{
    /// <summary>Header length the builder writes.</summary>
    public const int Length = 20;

    /// <summary>Time to live.</summary>
    public byte TimeToLive { get; init; } = 64;

    /// <summary>Identification field.</summary>
    public ushort Identification { get; init; }

    /// <summary>Don't-fragment flag; Linux sets it on most locally generated packets.</summary>
    public bool DontFragment { get; init; } = true;

    /// <summary>Type of service / DSCP+ECN byte.</summary>
    public byte TypeOfService { get; init; }
}
