namespace NetVirt.Api.Views.Topology;

/// <summary>
/// The topology as a picture model, shared by <c>netvirt show topology</c> (text, dot, mermaid, svg), <c>GET /topology</c>
/// and the dashboard: nodes (switches, networks, routers, zones, and hosts once there are several) and edges (VNICs,
/// router legs). Grouping goes through <see cref="TopologyNode.Parent"/>, so new kinds (containers made by a runtime,
/// hosts) slot in without new edge rules. Built from the resolved desired state by <see cref="TopologyBuilder"/>.
/// </summary>
/// <param name="Generation">The desired-state generation drawn.</param>
/// <param name="Target">The host target (names realised objects: the Linux bridge of a network).</param>
/// <param name="Nodes">Every node, grouping nodes before what they group.</param>
/// <param name="Edges">Every edge.</param>
public sealed record TopologyView(long Generation, string Target, IReadOnlyList<TopologyNode> Nodes, IReadOnlyList<TopologyEdge> Edges)
{
    /// <summary>The node with id <paramref name="id"/>, or null.</summary>
    public TopologyNode? Node(string id) => Nodes.FirstOrDefault(n => n.Id == id);

    /// <summary>Nodes grouped by <paramref name="parent"/> (null: the top level).</summary>
    public IEnumerable<TopologyNode> Children(string? parent) => Nodes.Where(n => n.Parent == parent);

    /// <summary>True for kinds drawn as a box around other nodes.</summary>
    public static bool IsGroup(TopologyNodeKind kind) => kind is TopologyNodeKind.Host or TopologyNodeKind.Etherstub or TopologyNodeKind.Link;
}
