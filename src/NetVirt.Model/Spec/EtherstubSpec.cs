namespace NetVirt.Model.Spec;

/// <summary>A virtual switch with no physical link (dladm <c>create-etherstub</c>; a Linux bridge per VLAN).</summary>
public sealed record EtherstubSpec
{
    /// <summary>Default MTU of an etherstub, as on illumos.</summary>
    public const int DefaultMtu = 9000;

    /// <summary>Datalink name (dladm naming rules).</summary>
    public required string Name { get; init; }

    /// <summary>MTU; null means <see cref="DefaultMtu"/>.</summary>
    public int? Mtu { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }

    /// <summary>The MTU in effect.</summary>
    public int EffectiveMtu => Mtu ?? DefaultMtu;
}
