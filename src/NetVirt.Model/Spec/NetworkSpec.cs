using NetVirt.Model.Collections;

namespace NetVirt.Model.Spec;

/// <summary>
/// A tenant L2/L3 segment: VLAN <see cref="Vlan"/> on etherstub or link <see cref="Over"/>, with an IPv4 subnet
/// and/or an IPv6 prefix that IPAM allocates from.
/// </summary>
public sealed record NetworkSpec
{
    /// <summary>Default MTU of a network.</summary>
    public const int DefaultMtu = 1500;

    /// <summary>Network name.</summary>
    public required string Name { get; init; }

    /// <summary>Name of the etherstub or link the network sits on.</summary>
    public required string Over { get; init; }

    /// <summary>VLAN id: 0 = untagged, else 1–4094.</summary>
    public int Vlan { get; init; }

    /// <summary>MTU; null means <see cref="DefaultMtu"/>.</summary>
    public int? Mtu { get; init; }

    /// <summary>Owner label. Networks of one tenant that both have gateways are routed to each other.</summary>
    public string? Tenant { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }

    /// <summary>IPv4 addressing, if any.</summary>
    public SubnetSpec? Ipv4 { get; init; }

    /// <summary>IPv6 addressing, if any.</summary>
    public SubnetSpec? Ipv6 { get; init; }

    /// <summary>Addresses and ranges that automatic allocation must never hand out.</summary>
    public EquatableArray<ReservationSpec> Reserved { get; init; } = [];

    /// <summary>The MTU in effect.</summary>
    public int EffectiveMtu => Mtu ?? DefaultMtu;

    /// <summary>The subnets that are set, IPv4 first.</summary>
    public IEnumerable<SubnetSpec> Subnets
    {
        get
        {
            if (Ipv4 is not null)
            {
                yield return Ipv4;
            }

            if (Ipv6 is not null)
            {
                yield return Ipv6;
            }
        }
    }
}
