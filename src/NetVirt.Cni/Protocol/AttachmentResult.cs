namespace NetVirt.Cni.Protocol;

/// <summary>What the daemon answers to ADD: the attachment as the CNI result describes it (the plugin writes it in the configuration's version).</summary>
public sealed record AttachmentResult
{
    /// <summary>The host end and the container interface.</summary>
    public IReadOnlyList<ResultInterface> Interfaces { get; init; } = [];

    /// <summary>Addresses, each with the index of its interface in <see cref="Interfaces"/>.</summary>
    public IReadOnlyList<ResultIp> Ips { get; init; } = [];

    /// <summary>Routes set in the container.</summary>
    public IReadOnlyList<ResultRoute> Routes { get; init; } = [];
}

/// <summary>An interface of a result.</summary>
public sealed record ResultInterface
{
    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>MAC, <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public string? Mac { get; init; }

    /// <summary>Network namespace path, for the interface inside the container.</summary>
    public string? Sandbox { get; init; }

    /// <summary>MTU.</summary>
    public int? Mtu { get; init; }
}

/// <summary>An address of a result.</summary>
public sealed record ResultIp
{
    /// <summary>Address with prefix length.</summary>
    public required string Address { get; init; }

    /// <summary>Gateway, if the network has one for this family.</summary>
    public string? Gateway { get; init; }

    /// <summary>Index of the interface in the result.</summary>
    public int Interface { get; init; }
}

/// <summary>A route of a result.</summary>
public sealed record ResultRoute
{
    /// <summary>Destination prefix.</summary>
    public required string Dst { get; init; }

    /// <summary>Next hop.</summary>
    public string? Gw { get; init; }
}
