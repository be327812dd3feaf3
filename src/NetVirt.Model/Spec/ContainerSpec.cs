using NetVirt.Model.Collections;

namespace NetVirt.Model.Spec;

/// <summary>
/// What makes a zone a container's: the runtime's container, its network namespace (a path the runtime owns, not
/// NetVirt), and the CNI attachment behind each VNIC. Such zones are written by the CNI path, never by documents:
/// <c>apply -f</c> leaves them alone.
/// </summary>
public sealed record ContainerSpec
{
    /// <summary>The runtime's container id (<c>CNI_CONTAINERID</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Path of the container's network namespace as the runtime gave it on ADD.</summary>
    public string? Netns { get; init; }

    /// <summary>Labels (the Kubernetes pod namespace and name, ...), by name.</summary>
    public EquatableArray<LabelSpec> Labels { get; init; } = [];

    /// <summary>The CNI attachment of each VNIC, by interface name.</summary>
    public EquatableArray<ContainerAttachmentSpec> Attachments { get; init; } = [];

    /// <summary>The CNI network that attached <paramref name="ifname"/>, if any.</summary>
    public string? CniNetworkOf(string ifname) => Attachments.FirstOrDefault(a => a.Interface == ifname)?.CniNetwork;
}
