namespace NetVirt.Backends.Containers;

/// <summary>What realizing an attachment made on the host side, for the CNI result.</summary>
/// <param name="HostInterface">The host end of the veth (the bridge port).</param>
/// <param name="HostMac">Its MAC, when known.</param>
public sealed record AttachmentRealization(string HostInterface, string? HostMac);
