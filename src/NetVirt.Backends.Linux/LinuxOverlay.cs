using System.Net;
using System.Net.Sockets;
using NetVirt.Model.Collections;
using NetVirt.Model.Topology;

namespace NetVirt.Backends.Linux;

/// <summary>
/// What a host of a model with hosts needs beyond its zones (its agent gives it from the host's slice,
/// <see cref="HostSlice"/>): the host's underlay address, and for each L2 domain it carries, the VNI, the VNICs of the
/// domain on other hosts and the other hosts that carry it. The backend realises each domain that reaches another host
/// as a VXLAN device on the domain's bridge, with forwarding and neighbour entries written from the model only (no
/// learning, no flooding), and gives every tenant router's legs the router's anycast gateway MAC
/// (<see cref="AnycastGateway"/>).
/// </summary>
public sealed record LinuxOverlay
{
    /// <summary>The IANA VXLAN port.</summary>
    public const int DefaultPort = 4789;

    /// <summary>The host's underlay address: the source of its VXLAN packets, and where the other hosts send theirs.</summary>
    public required IPAddress Local { get; init; }

    /// <summary>The L2 domains of etherstubs the host carries (<see cref="HostSlice.Overlay"/>).</summary>
    public EquatableArray<OverlayDomain> Domains { get; init; } = [];

    /// <summary>UDP destination port of the tunnels.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>
    /// What VXLAN adds to every frame on the underlay: outer Ethernet (14), IP (20 or 40), UDP (8) and VXLAN (8) headers.
    /// The underlay's MTU must be at least the domain's MTU plus this (RFC 7348, section 4.3: no fragmentation).
    /// </summary>
    public int Overhead => Local.AddressFamily == AddressFamily.InterNetworkV6 ? 70 : 50;

    /// <summary>Domains that reach another host: the ones that get a VXLAN device.</summary>
    public IEnumerable<OverlayDomain> Tunnelled => Domains.Where(d => !d.Peers.IsEmpty || !d.Remote.IsEmpty);

    /// <summary>The MTU the underlay must carry: the largest tunnelled domain's plus <see cref="Overhead"/> (0: no tunnel).</summary>
    public int UnderlayMtu => Tunnelled.Select(d => d.Mtu + Overhead).DefaultIfEmpty(0).Max();

    /// <summary>The overlay of a host's slice.</summary>
    public static LinuxOverlay Of(HostSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        return new LinuxOverlay { Local = slice.Host.Address, Domains = slice.Overlay };
    }
}
