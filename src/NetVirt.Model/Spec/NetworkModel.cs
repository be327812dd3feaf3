using NetVirt.Model.Collections;

namespace NetVirt.Model.Spec;

/// <summary>
/// The whole desired network of a host, as the user declares it: the merge of every document given to
/// <c>netvirt apply</c>, or what the store holds. Immutable and compared by value.
/// </summary>
public sealed record NetworkModel
{
    /// <summary>Virtual switches.</summary>
    public EquatableArray<EtherstubSpec> Etherstubs { get; init; } = [];

    /// <summary>Physical datalinks referenced by networks; NetVirt never creates or deletes them.</summary>
    public EquatableArray<LinkSpec> Links { get; init; } = [];

    /// <summary>Tenant L2/L3 segments.</summary>
    public EquatableArray<NetworkSpec> Networks { get; init; } = [];

    /// <summary>Ordered lists of networks that allocation walks until one has room.</summary>
    public EquatableArray<PoolSpec> Pools { get; init; } = [];

    /// <summary>Hosts that carry zones (empty: one host, the one NetVirt runs on).</summary>
    public EquatableArray<HostSpec> Hosts { get; init; } = [];

    /// <summary>Exclusive-IP zones and their VNICs.</summary>
    public EquatableArray<ZoneSpec> Zones { get; init; } = [];

    /// <summary>Model-wide settings.</summary>
    public ModelSettings Settings { get; init; } = new();

    /// <summary>An empty model.</summary>
    public static NetworkModel Empty { get; } = new();
}
