using NetVirt.Model.Spec;

namespace NetVirt.Store;

/// <summary>
/// A container's CNI attachment as stored: its zone (resolved, with the container's netns and every VNIC), the
/// attached interface, and the model without zones to interpret it (networks, MTUs, VLANs).
/// </summary>
/// <param name="Zone">The container's zone, resolved (allocated MAC and addresses).</param>
/// <param name="Interface">The attached interface: the VNIC of <paramref name="Zone"/> with that name.</param>
/// <param name="Infrastructure">The stored model without zones at the time.</param>
public sealed record ContainerAttachment(ZoneSpec Zone, string Interface, NetworkModel Infrastructure)
{
    /// <summary>The runtime's container id.</summary>
    public string ContainerId => Zone.Container!.Id;

    /// <summary>The CNI network that attached <see cref="Interface"/>.</summary>
    public string CniNetwork => Zone.Container!.CniNetworkOf(Interface)!;

    /// <summary>The attached VNIC.</summary>
    public VnicSpec Vnic => Zone.Vnics.First(v => v.Name == Interface);

    /// <summary>True when the ADD found the attachment already stored (a repeated ADD) and changed nothing.</summary>
    public bool Existing { get; init; }

    /// <summary>The generation the attachment was stored (or found) at.</summary>
    public long Generation { get; init; }
}
