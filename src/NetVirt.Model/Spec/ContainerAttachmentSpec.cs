namespace NetVirt.Model.Spec;

/// <summary>One CNI attachment: the interface (a VNIC of the container's zone) and the CNI network (conflist name) that made it.</summary>
public sealed record ContainerAttachmentSpec
{
    /// <summary>Interface name inside the container (<c>CNI_IFNAME</c>), the VNIC's name.</summary>
    public required string Interface { get; init; }

    /// <summary>The CNI network name: attachments are keyed by it, the container id and the interface.</summary>
    public required string CniNetwork { get; init; }
}
