namespace NetVirt.Api.Views.Topology;

/// <summary>One node of the topology.</summary>
/// <param name="Id">Stable id within the view (<c>network:acme</c>, <c>zone:acme-web1</c>): the same object keeps its id across generations.</param>
/// <param name="Kind">What it stands for.</param>
/// <param name="Name">The object's name.</param>
/// <param name="Parent">The id of the node that groups it (an etherstub for a network, a host for a zone), or null.</param>
/// <param name="Lines">Further lines to show under the name (VLAN and subnets, gateways).</param>
/// <param name="Ports">For zones and containers: one line per VNIC (the edges of <see cref="TopologyEdgeKind.Vnic"/> attach to it).</param>
/// <param name="Details">Every fact about the object, for a details panel (key, value).</param>
public sealed record TopologyNode(
    string Id, TopologyNodeKind Kind, string Name, string? Parent, IReadOnlyList<string> Lines, IReadOnlyList<TopologyPort> Ports,
    IReadOnlyList<TopologyDetail> Details);

/// <summary>A VNIC as a port of its zone's node.</summary>
/// <param name="Id">Stable id (<c>vnic:zone/net0</c>).</param>
/// <param name="Label">What the picture shows (<c>net0 10.100.0.10/24</c>).</param>
public sealed record TopologyPort(string Id, string Label);

/// <summary>One fact of a node.</summary>
/// <param name="Key">What (<c>mac</c>, <c>ipv4</c>).</param>
/// <param name="Value">Its value.</param>
public sealed record TopologyDetail(string Key, string Value);
