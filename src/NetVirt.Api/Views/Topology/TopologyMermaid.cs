using System.Text;

namespace NetVirt.Api.Views.Topology;

/// <summary>The topology as a Mermaid flowchart (renders in GitHub and GitLab Markdown): switches and hosts as subgraphs.</summary>
public static class TopologyMermaid
{
    /// <summary>The Mermaid text.</summary>
    public static string Write(TopologyView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var ids = view.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => $"n{x.i}", StringComparer.Ordinal);
        var text = new StringBuilder("flowchart LR\n");

        void WriteNode(TopologyNode node, string indent)
        {
            if (TopologyView.IsGroup(node.Kind))
            {
                text.Append(indent).Append("subgraph ").Append(ids[node.Id]).Append("[\"").Append(Label($"{Kind(node)} {node.Name}")).Append("\"]\n");
                foreach (var child in view.Children(node.Id))
                {
                    WriteNode(child, indent + "  ");
                }

                text.Append(indent).Append("end\n");
                return;
            }

            var label = string.Join("<br/>", new[] { $"{Kind(node)} {node.Name}" }.Concat(node.Lines).Concat(node.Ports.Select(p => p.Label)).Select(Label));
            var (open, close) = node.Kind switch
            {
                TopologyNodeKind.Router => ("((", "))"),
                TopologyNodeKind.Network or TopologyNodeKind.Segment => ("[/", "/]"),
                _ => ("[", "]"),
            };
            text.Append(indent).Append(ids[node.Id]).Append(open).Append('"').Append(label).Append('"').Append(close).Append('\n');
        }

        foreach (var node in view.Nodes.Where(n => n.Parent is null))
        {
            WriteNode(node, "  ");
        }

        foreach (var edge in view.Edges)
        {
            var arrow = edge.Kind == TopologyEdgeKind.Gateway ? "-.-" : "---";
            text.Append("  ").Append(ids[edge.To]).Append(' ').Append(arrow).Append("|\"").Append(Label(edge.Label)).Append("\"| ").Append(ids[edge.From]).Append('\n');
        }

        return text.ToString();
    }

    private static string Kind(TopologyNode node) => node.Kind.ToString().ToLowerInvariant();

    // Mermaid reads entity codes inside quoted labels; quotes, angle brackets and pipes would end or break the label.
    private static string Label(string text) =>
        DisplayText.Escape(text)!.Replace("&", "#amp;", StringComparison.Ordinal).Replace("\"", "#quot;", StringComparison.Ordinal)
            .Replace("<", "#lt;", StringComparison.Ordinal).Replace(">", "#gt;", StringComparison.Ordinal).Replace("|", "#124;", StringComparison.Ordinal);
}
