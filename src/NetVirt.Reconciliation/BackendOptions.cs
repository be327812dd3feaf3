using NetVirt.Backends.Illumos;

namespace NetVirt.Reconciliation;

/// <summary>How to create a backend.</summary>
public sealed record BackendOptions
{
    /// <summary>Ownership prefix of every host object NetVirt creates (<c>NETVIRT_PREFIX</c>, default <c>nv</c>).</summary>
    public string Prefix { get; init; } = BackendFactory.Prefix;

    /// <summary>illumos variant; null = probe the host (on illumos), SmartOS elsewhere (scripts written offline).</summary>
    public IllumosVariant? IllumosVariant { get; init; }
}
