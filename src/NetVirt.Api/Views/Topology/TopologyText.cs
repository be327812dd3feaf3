using System.Globalization;
using System.Text;

namespace NetVirt.Api.Views.Topology;

/// <summary>
/// The topology as a tree for a terminal: each switch with its networks, each network with its router leg and the
/// zones on it (a zone in two networks appears under both), then the routers. Control characters are escaped.
/// </summary>
public static class TopologyText
{
    /// <summary>The tree.</summary>
    public static string Write(TopologyView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"topology of generation {view.Generation} ({view.Target}): ")
            .Append(CultureInfo.InvariantCulture, $"{Count(view, TopologyNodeKind.Network)} networks, {Count(view, TopologyNodeKind.Router)} routers, {Count(view, TopologyNodeKind.Zone) + Count(view, TopologyNodeKind.Container)} zones, ")
            .Append(CultureInfo.InvariantCulture, $"{view.Edges.Count(e => e.Kind == TopologyEdgeKind.Vnic)} VNICs\n");
        var vnicsOf = view.Edges.Where(e => e.Kind == TopologyEdgeKind.Vnic).ToLookup(e => e.From, StringComparer.Ordinal);
        var legsOf = view.Edges.Where(e => e.Kind == TopologyEdgeKind.Gateway).ToLookup(e => e.From, StringComparer.Ordinal);
        var byId = view.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);

        void WriteTree(TopologyNode node, string indent, bool last, bool root)
        {
            var branch = root ? "" : last ? "└─ " : "├─ ";
            text.Append(indent).Append(branch).Append(Kind(node.Kind)).Append(' ').Append(DisplayText.Escape(node.Name));
            if (node.Lines.Count > 0)
            {
                text.Append("  ").Append(DisplayText.Escape(string.Join(" · ", node.Lines)));
            }

            foreach (var leg in legsOf[node.Id])
            {
                text.Append("  → router ").Append(DisplayText.Escape(byId[leg.To].Name)).Append(" (").Append(DisplayText.Escape(leg.Label)).Append(')');
            }

            text.Append('\n');
            var childIndent = root ? indent : indent + (last ? "   " : "│  ");
            var children = new List<Action<bool>>();
            foreach (var child in view.Children(node.Id))
            {
                children.Add(isLast => WriteTree(child, childIndent, isLast, root: false));
            }

            foreach (var vnic in vnicsOf[node.Id])
            {
                var zone = byId[vnic.To];
                var port = zone.Ports.FirstOrDefault(p => p.Id == vnic.Port);
                children.Add(isLast => text.Append(childIndent).Append(isLast ? "└─ " : "├─ ").Append(Kind(zone.Kind)).Append(' ')
                    .Append(DisplayText.Escape(zone.Name)).Append(" / ").Append(DisplayText.Escape(port?.Label ?? vnic.Label)).Append('\n'));
            }

            for (var i = 0; i < children.Count; i++)
            {
                children[i](i == children.Count - 1);
            }
        }

        foreach (var node in view.Nodes.Where(n => n.Parent is null && n.Kind is not (TopologyNodeKind.Router or TopologyNodeKind.Zone or TopologyNodeKind.Container)))
        {
            WriteTree(node, "", last: true, root: true);
        }

        foreach (var router in view.Nodes.Where(n => n.Kind == TopologyNodeKind.Router))
        {
            var networks = view.Edges.Where(e => e.Kind == TopologyEdgeKind.Gateway && e.To == router.Id).Select(e => byId[e.From].Name);
            text.Append("router ").Append(DisplayText.Escape(router.Name)).Append("  routes between ").Append(DisplayText.Escape(string.Join(", ", networks))).Append('\n');
        }

        var unattached = view.Nodes.Where(n => n.Kind is TopologyNodeKind.Zone or TopologyNodeKind.Container && !view.Edges.Any(e => e.To == n.Id)).ToList();
        foreach (var zone in unattached)
        {
            text.Append(Kind(zone.Kind)).Append(' ').Append(DisplayText.Escape(zone.Name)).Append("  (no VNIC on a network)\n");
        }

        return text.ToString();
    }

    private static int Count(TopologyView view, TopologyNodeKind kind) => view.Nodes.Count(n => n.Kind == kind);

    private static string Kind(TopologyNodeKind kind) => kind.ToString().ToLowerInvariant();
}
