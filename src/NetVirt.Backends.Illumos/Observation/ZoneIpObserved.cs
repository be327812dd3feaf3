using NetVirt.Backends.Illumos.Parsing;

namespace NetVirt.Backends.Illumos.Observation;

/// <summary>The IP stack of one zone (or the global zone): interfaces, addresses and routes.</summary>
public sealed record ZoneIpObserved(
    IReadOnlyList<IpInterfaceObserved> Interfaces, IReadOnlyList<AddressObserved> Addresses, IReadOnlyList<RouteObserved> Routes)
{
    /// <summary>An IP stack with nothing configured.</summary>
    public static ZoneIpObserved Empty { get; } = new([], [], []);
}
