namespace NetVirt.Api.Views.Topology;

/// <summary>One edge of the topology.</summary>
/// <param name="From">Node id on the switch side (network, segment).</param>
/// <param name="To">Node id on the other side (zone, router).</param>
/// <param name="Kind">What it stands for.</param>
/// <param name="Label">Short text (the VNIC name, the gateway addresses).</param>
/// <param name="Port">For a VNIC: the port id on the zone's node.</param>
public sealed record TopologyEdge(string From, string To, TopologyEdgeKind Kind, string Label, string? Port = null);
