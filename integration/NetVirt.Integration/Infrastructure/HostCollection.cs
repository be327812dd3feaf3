namespace NetVirt.Integration.Infrastructure;

/// <summary>Tests that touch host-wide state (nftables tables, many namespaces, timing) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "host";
}
