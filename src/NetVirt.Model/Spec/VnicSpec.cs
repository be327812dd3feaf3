using System.Net;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;

namespace NetVirt.Model.Spec;

/// <summary>
/// A virtual NIC owned by a zone. It sits on a <see cref="Network"/> (or a network chosen from a
/// <see cref="Pool"/>), or explicitly on <see cref="Over"/> with <see cref="Vlan"/>.
/// </summary>
public sealed record VnicSpec
{
    /// <summary>Protection SmartOS applies by default, and so does NetVirt.</summary>
    public const Protection DefaultProtection = Spec.Protection.MacNospoof | Spec.Protection.IpNospoof;

    /// <summary>Interface name inside the zone (dladm naming rules; at most 15 characters on Linux).</summary>
    public required string Name { get; init; }

    /// <summary>Network the VNIC sits on; after resolution, also the network chosen from <see cref="Pool"/>.</summary>
    public string? Network { get; init; }

    /// <summary>Pool to choose the network from.</summary>
    public string? Pool { get; init; }

    /// <summary>Etherstub or link, for a VNIC without a network.</summary>
    public string? Over { get; init; }

    /// <summary>VLAN id for a VNIC without a network (0 = untagged).</summary>
    public int? Vlan { get; init; }

    /// <summary>Fixed MAC, or null for <c>auto</c> (allocated under the model's MAC prefix).</summary>
    public MacAddress? Mac { get; init; }

    /// <summary>MTU; null means the MTU of the network (or of what the VNIC sits on).</summary>
    public int? Mtu { get; init; }

    /// <summary>Primary VNIC of the zone: its network's gateways become the default routes.</summary>
    public bool? Primary { get; init; }

    /// <summary>Bandwidth limit in bits per second, or null for none.</summary>
    public long? MaxBandwidth { get; init; }

    /// <summary>dladm <c>priority</c>; null means the default (high).</summary>
    public Priority? Priority { get; init; }

    /// <summary>Anti-spoofing; null means <see cref="DefaultProtection"/>.</summary>
    public Protection? Protection { get; init; }

    /// <summary>Source addresses allowed by ip-nospoof; null means the VNIC's own addresses.</summary>
    public EquatableArray<IPNetwork>? AllowedIps { get; init; }

    /// <summary>Address objects configured on the interface inside the zone.</summary>
    public EquatableArray<AddressSpec> Addresses { get; init; } = [];

    /// <summary>The protection in effect.</summary>
    public Protection EffectiveProtection => Protection ?? DefaultProtection;

    /// <summary>The priority in effect.</summary>
    public Priority EffectivePriority => Priority ?? Spec.Priority.High;
}
