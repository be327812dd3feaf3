namespace NetVirt.Model.Spec;

/// <summary>A physical datalink of the host, referenced by name. NetVirt never creates, changes or deletes it.</summary>
public sealed record LinkSpec
{
    /// <summary>Default MTU assumed for a physical link.</summary>
    public const int DefaultMtu = 1500;

    /// <summary>Datalink name as the host knows it (e.g. <c>e1000g0</c>, <c>eth1</c>).</summary>
    public required string Name { get; init; }

    /// <summary>MTU of the link; null means <see cref="DefaultMtu"/>.</summary>
    public int? Mtu { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }

    /// <summary>The MTU in effect.</summary>
    public int EffectiveMtu => Mtu ?? DefaultMtu;
}
