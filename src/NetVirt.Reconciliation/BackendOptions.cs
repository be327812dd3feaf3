using NetVirt.Backends.Illumos;

namespace NetVirt.Reconciliation;

/// <summary>How to create a backend.</summary>
public sealed record BackendOptions
{
    /// <summary>Ownership prefix of every host object NetVirt creates (<c>NETVIRT_PREFIX</c>, default <c>nv</c>).</summary>
    public string Prefix { get; init; } = BackendFactory.Prefix;

    /// <summary>
    /// The deployment id of the database the backend acts for (<c>NetVirtStore.DeploymentId</c>, 16 lowercase hex
    /// digits): every host object the backend creates records it, and objects of the prefix that record another id are
    /// never changed or deleted. Null: none (only objects without a recorded id are taken as this deployment's).
    /// </summary>
    public string? DeploymentId { get; init; }

    /// <summary>illumos variant; null = probe the host (on illumos), SmartOS elsewhere (scripts written offline).</summary>
    public IllumosVariant? IllumosVariant { get; init; }
}
