namespace NetVirt.Backends.Illumos;

/// <summary>How an <see cref="IllumosBackend"/> names and recognises its objects, and which variant it drives.</summary>
public sealed record IllumosBackendOptions
{
    /// <summary>The product's ownership prefix.</summary>
    public const string DefaultPrefix = "nv";

    /// <summary>
    /// Ownership prefix: every datalink NetVirt creates is called <c>{Prefix}_...</c>, and only links whose names
    /// start with <c>{Prefix}_</c> (and the IP objects on them) are ever changed or deleted. Letters and digits,
    /// starting with a letter, at most 12 characters.
    /// </summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>
    /// The deployment id of the database the backend acts for (16 lowercase hex digits), recorded on the host by a
    /// marker etherstub (see README, Ownership); null: none recorded.
    /// </summary>
    public string? DeploymentId { get; init; }

    /// <summary>The variant to drive: SmartOS or upstream illumos (see <see cref="IllumosCapabilityProbe"/>).</summary>
    public IllumosVariant Variant { get; init; } = IllumosVariant.SmartOs;
}
