using System.Net;

namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>One route of <c>netstat -rnv</c> (IPv4 or IPv6 table).</summary>
/// <param name="Destination">Destination prefix; <c>default</c> is 0.0.0.0/0 or ::/0.</param>
/// <param name="Gateway">Next hop (the local address for interface routes).</param>
/// <param name="Flags">Flags column (<c>UG</c>, <c>U</c>, <c>UH</c>, ...).</param>
/// <param name="Interface">Device column, or null when netstat left it blank.</param>
public sealed record RouteObserved(IPNetwork Destination, IPAddress Gateway, string Flags, string? Interface)
{
    /// <summary>True for a route through a gateway (flag <c>G</c>).</summary>
    public bool IsGatewayRoute => Flags.Contains('G', StringComparison.Ordinal);
}
