using NetVirt.Backends.Illumos.Parsing;

namespace NetVirt.Backends.Illumos.Observation;

/// <summary>Everything observation read from the host, parsed but not yet turned into resources.</summary>
public sealed record IllumosObserved
{
    /// <summary><c>dladm show-link</c>.</summary>
    public IReadOnlyList<DatalinkObserved> Links { get; init; } = [];

    /// <summary><c>dladm show-vnic</c>.</summary>
    public IReadOnlyList<VnicObserved> Vnics { get; init; } = [];

    /// <summary><c>dladm show-linkprop</c>, one record per link.</summary>
    public IReadOnlyList<LinkPropertiesObserved> LinkProperties { get; init; } = [];

    /// <summary><c>zoneadm list -cp</c> without the global zone.</summary>
    public IReadOnlyList<ZoneObserved> Zones { get; init; } = [];

    /// <summary>The IP stack of each inspected zone, the global zone under <c>global</c>.</summary>
    public IReadOnlyDictionary<string, ZoneIpObserved> IpStacks { get; init; } = new Dictionary<string, ZoneIpObserved>(StringComparer.Ordinal);
}
