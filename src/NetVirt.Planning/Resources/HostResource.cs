using NetVirt.Model.Collections;

namespace NetVirt.Planning.Resources;

/// <summary>
/// One host object, desired (rendered from the model by a backend) or observed (read from the host). Both sides use
/// this one shape so that the planner can diff them field by field without knowing the OS.
/// </summary>
public sealed record HostResource
{
    /// <summary>The kind.</summary>
    public required ResourceKind Kind { get; init; }

    /// <summary>Name, unique within the kind (for nested objects a path such as <c>nv-web1/net0/v4</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Managed properties, normalised. Only the names present on the desired side are compared.</summary>
    public PropertyBag Properties { get; init; } = PropertyBag.Empty;

    /// <summary>Objects this one needs: created before it, deleted after it.</summary>
    public EquatableArray<ResourceId> DependsOn { get; init; } = [];

    /// <summary>The zone this object belongs to, if any: replacing or deleting it disrupts that zone.</summary>
    public string? Zone { get; init; }

    /// <summary>
    /// False for objects NetVirt does not own (a physical link, a foreign VNIC): observed for reference, never
    /// changed or deleted.
    /// </summary>
    public bool Owned { get; init; } = true;

    /// <summary>
    /// For an observed object: the deployment (database) id it records as its maker, when it records one. An object
    /// that carries the ownership prefix but another deployment's id is not <see cref="Owned"/>: it belongs to
    /// another NetVirt database on this host.
    /// </summary>
    public string? Deployment { get; init; }

    /// <summary>Identity.</summary>
    public ResourceId Id => new(Kind.Name, Name);

    /// <inheritdoc />
    public override string ToString() => $"{Kind.Name} {Name}";
}
