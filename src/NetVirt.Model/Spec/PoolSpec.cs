using NetVirt.Model.Collections;

namespace NetVirt.Model.Spec;

/// <summary>An ordered list of networks; allocation walks them in order until one has room (as Triton NAPI pools).</summary>
public sealed record PoolSpec
{
    /// <summary>Pool name.</summary>
    public required string Name { get; init; }

    /// <summary>Network names, in the order allocation tries them.</summary>
    public required EquatableArray<string> Networks { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }
}
