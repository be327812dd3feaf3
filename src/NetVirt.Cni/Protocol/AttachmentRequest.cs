namespace NetVirt.Cni.Protocol;

/// <summary>
/// What the plugin asks the NetVirt daemon (ADD, DEL, CHECK, STATUS, GC): everything the runtime said, parsed and
/// checked for form by the plugin; the daemon checks it against the stored model.
/// </summary>
public sealed record AttachmentRequest
{
    /// <summary>CNI spec version of the configuration.</summary>
    public required string CniVersion { get; init; }

    /// <summary>The CNI network name (the conflist's <c>name</c>): attachments are keyed by it, the container id and the interface.</summary>
    public required string CniNetwork { get; init; }

    /// <summary>The NetVirt network or pool to attach to (the plugin entry's <c>network</c>).</summary>
    public required string Network { get; init; }

    /// <summary>Runtime container id (ADD, DEL, CHECK).</summary>
    public string? ContainerId { get; init; }

    /// <summary>Path of the container's network namespace (ADD, CHECK; DEL may have none).</summary>
    public string? Netns { get; init; }

    /// <summary>Interface name inside the container (ADD, DEL, CHECK).</summary>
    public string? Ifname { get; init; }

    /// <summary>Addresses the runtime requests (<c>runtimeConfig.ips</c>, <c>CNI_ARGS IP=</c>), as given: with or without a prefix length.</summary>
    public IReadOnlyList<string> Ips { get; init; } = [];

    /// <summary>MAC the runtime requests (<c>runtimeConfig.mac</c>, <c>CNI_ARGS MAC=</c>).</summary>
    public string? Mac { get; init; }

    /// <summary>Bandwidth limit in bits per second, both ways (<c>runtimeConfig.bandwidth</c>).</summary>
    public long? MaxBandwidth { get; init; }

    /// <summary>Labels for the container's zone (Kubernetes pod namespace and name, ...).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>GC: the attachments the runtime still knows; every other attachment of <see cref="CniNetwork"/> goes.</summary>
    public IReadOnlyList<AttachmentKey>? ValidAttachments { get; init; }
}
