using System.Net;

namespace NetVirt.Audit.Frames;

/// <summary>An ICMPv6 neighbour advertisement (RFC 4861 section 4.4).</summary>
/// <param name="Target">The address being advertised.</param>
/// <param name="Flags">Router, solicited and override flags.</param>
/// <param name="TargetLinkLayerAddress">Target link-layer address option, or null to omit it.</param>
public sealed record NeighborAdvertisement(IPAddress Target, NeighborAdvertisementFlags Flags, MacAddress? TargetLinkLayerAddress);
