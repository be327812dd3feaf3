using NetVirt.Model.Collections;

namespace NetVirt.Model.Spec;

/// <summary>
/// An exclusive-IP zone (a network namespace on Linux) with its VNICs and routes: declared in documents, or of kind
/// <c>container</c> (<see cref="Container"/>), made by the CNI plugin for a runtime's container.
/// </summary>
public sealed record ZoneSpec
{
    /// <summary>Zone name.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The host the zone is on, when the model has hosts. Authored: what the user wrote (null: placed by NetVirt on the
    /// host with the fewest zones, ties by name, once, and kept there); resolved: always the host it is on.
    /// </summary>
    public string? Host { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Routes; null means the default: a default route via each gateway of the primary VNIC's network.
    /// An empty list means no routes at all.
    /// </summary>
    public EquatableArray<RouteSpec>? Routes { get; init; }

    /// <summary>The zone's VNICs.</summary>
    public EquatableArray<VnicSpec> Vnics { get; init; } = [];

    /// <summary>Set for a zone of kind <c>container</c>: a runtime's container attached through CNI; null for a declared zone.</summary>
    public ContainerSpec? Container { get; init; }

    /// <summary>True for a container's zone.</summary>
    public bool IsContainer => Container is not null;
}
