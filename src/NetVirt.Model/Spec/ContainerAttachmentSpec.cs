namespace NetVirt.Model.Spec;

/// <summary>One CNI attachment: the interface (a VNIC of the container's zone) and the CNI network (conflist name) that made it.</summary>
public sealed record ContainerAttachmentSpec
{
    /// <summary>Interface name inside the container (<c>CNI_IFNAME</c>), the VNIC's name.</summary>
    public required string Interface { get; init; }

    /// <summary>The CNI network name: attachments are keyed by it, the container id and the interface.</summary>
    public required string CniNetwork { get; init; }

    /// <summary>
    /// Which switch of its L2 domain the VNIC is a port of (<see cref="Topology.ContainerSlots"/>): 0 the domain's own, k ≥ 1
    /// the domain's k-th container leaf. Chosen by the store when the attachment is made, and kept while it lasts, so that
    /// attaching one container never moves another.
    /// </summary>
    public int Slot { get; init; }
}
