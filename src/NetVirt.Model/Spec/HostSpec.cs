using System.Net;
using NetVirt.Model.Collections;

namespace NetVirt.Model.Spec;

/// <summary>
/// A host that runs an agent (<c>netvirt agent --host NAME</c>) and carries the zones placed on it. A model without
/// hosts is a single host: the one NetVirt runs on. With hosts, every zone is on exactly one of them, and the L2 domains
/// (etherstub + VLAN) that span hosts are joined by VXLAN between the hosts' <see cref="Address"/>es.
/// </summary>
public sealed record HostSpec
{
    /// <summary>Host name (what the agent gives as <c>--host</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The underlay address: where the other hosts send this host's VXLAN traffic (its VTEP).</summary>
    public required IPAddress Address { get; init; }

    /// <summary>Labels, for operators and placement (<c>rack: a</c>).</summary>
    public EquatableArray<HostLabel> Labels { get; init; } = [];

    /// <summary>Free text.</summary>
    public string? Description { get; init; }
}

/// <summary>One label of a host.</summary>
public sealed record HostLabel(string Key, string Value);
