using System.Text;

namespace NetVirt.Api.Views.Topology;

/// <summary>The topology in Graphviz DOT (<c>dot -Tsvg</c>): switches and hosts as clusters, left to right.</summary>
public static class TopologyDot
{
    /// <summary>The DOT text.</summary>
    public static string Write(TopologyView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var ids = view.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => $"n{x.i}", StringComparer.Ordinal);
        var dot = new StringBuilder();
        dot.Append("digraph netvirt {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", fontsize=9, dir=none];\n");

        void WriteNode(TopologyNode node, string indent)
        {
            if (TopologyView.IsGroup(node.Kind))
            {
                dot.Append(indent).Append("subgraph cluster_").Append(ids[node.Id]).Append(" {\n")
                    .Append(indent).Append("  label=").Append(Quote($"{Kind(node)} {node.Name}")).Append(";\n")
                    .Append(indent).Append("  style=rounded;\n");
                foreach (var child in view.Children(node.Id))
                {
                    WriteNode(child, indent + "  ");
                }

                // An empty cluster is not drawn: keep the switch visible with a point.
                if (!view.Children(node.Id).Any())
                {
                    dot.Append(indent).Append("  ").Append(ids[node.Id]).Append(" [shape=point, label=\"\"];\n");
                }

                dot.Append(indent).Append("}\n");
                return;
            }

            var label = string.Join("\\n", new[] { $"{Kind(node)} {node.Name}" }.Concat(node.Lines).Concat(node.Ports.Select(p => p.Label)).Select(Escape));
            var shape = node.Kind switch
            {
                TopologyNodeKind.Router => "shape=ellipse, style=solid",
                TopologyNodeKind.Network or TopologyNodeKind.Segment => "style=\"rounded,filled\", fillcolor=\"#eef3fb\"",
                _ => "",
            };
            dot.Append(indent).Append(ids[node.Id]).Append(" [label=\"").Append(label).Append('"').Append(shape.Length > 0 ? ", " + shape : "").Append("];\n");
        }

        foreach (var node in view.Nodes.Where(n => n.Parent is null))
        {
            WriteNode(node, "  ");
        }

        foreach (var edge in view.Edges)
        {
            var style = edge.Kind switch
            {
                TopologyEdgeKind.Gateway => ", style=dashed",
                TopologyEdgeKind.Tunnel => ", style=dotted",
                _ => "",
            };
            dot.Append("  ").Append(ids[edge.To]).Append(" -> ").Append(ids[edge.From]).Append(" [label=").Append(Quote(edge.Label)).Append(style).Append("];\n");
        }

        dot.Append("}\n");
        return dot.ToString();
    }

    private static string Kind(TopologyNode node) => node.Kind.ToString().ToLowerInvariant();

    private static string Quote(string text) => "\"" + Escape(text) + "\"";

    private static string Escape(string text) =>
        DisplayText.Escape(text)!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
