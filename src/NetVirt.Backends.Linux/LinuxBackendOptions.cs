namespace NetVirt.Backends.Linux;

/// <summary>How a <see cref="LinuxBackend"/> names its objects and what it may assume about the kernel.</summary>
public sealed record LinuxBackendOptions
{
    /// <summary>The product's ownership prefix.</summary>
    public const string DefaultPrefix = "nv";

    /// <summary>Ownership prefix (<see cref="Resources.LinuxNaming"/>): 1–6 letters and digits, starting with a letter.</summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>
    /// The deployment id of the database the backend acts for (16 lowercase hex digits): recorded on every object it
    /// creates; objects of the prefix that record another id are never changed or deleted. Null: none recorded, and
    /// only objects of the prefix without a deployment id are taken as its own.
    /// </summary>
    public string? DeploymentId { get; init; }

    /// <summary>
    /// The host's overlay in a model with hosts (its agent builds it from the host's slice): VXLAN devices, forwarding
    /// and neighbour entries, anycast gateway MACs. Null: a host on its own.
    /// </summary>
    public LinuxOverlay? Overlay { get; init; }

    /// <summary>Kernel features; null = probe the running kernel.</summary>
    public LinuxCapabilities? Capabilities { get; init; }

    /// <summary>When an L2 domain becomes a tree of bridges (tests build trees from a few zones); null: the kernel's limits.</summary>
    internal Rendering.BridgeTreeLimits? Trees { get; init; }

    /// <summary>How long a deleted namespace may take to release its interfaces (tests wait less); null: 30 s.</summary>
    internal TimeSpan? NamespaceReleaseTimeout { get; init; }

    /// <summary>Dedicated threads that work inside namespaces at the same time (default: one per core).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}
