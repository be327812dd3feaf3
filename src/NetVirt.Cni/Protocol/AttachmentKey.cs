using System.Text.Json.Serialization;

namespace NetVirt.Cni.Protocol;

/// <summary>One attachment as GC names it: a container id and the interface name inside it.</summary>
public sealed record AttachmentKey
{
    /// <summary>Runtime container id.</summary>
    [JsonPropertyName("containerID")]
    public required string ContainerId { get; init; }

    /// <summary>Interface name inside the container.</summary>
    [JsonPropertyName("ifname")]
    public required string Ifname { get; init; }
}
