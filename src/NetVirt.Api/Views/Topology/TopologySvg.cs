using System.Globalization;
using System.Security;
using System.Text;

namespace NetVirt.Api.Views.Topology;

/// <summary>
/// The topology as a standalone SVG (<see cref="TopologyLayout"/>): the file <c>netvirt show topology --format svg</c>
/// writes and the picture the dashboard embeds. Every node is a <c>g.nv-node</c> with <c>data-id</c> (and each VNIC
/// a <c>data-port</c>), so the dashboard can select and colour them; each network's VNIC edges share one colour.
/// </summary>
public static class TopologySvg
{
    private const string Style = """
        .nv-topology { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
        .nv-topology text { fill: #1d2330; }
        .nv-topology .nv-group rect { fill: #f6f8fb; stroke: #9aa8bd; stroke-dasharray: 4 3; }
        .nv-topology .nv-group text { fill: #4a5870; font-weight: 600; }
        .nv-topology .nv-node rect { fill: #ffffff; stroke: #5d6778; }
        .nv-topology .nv-network rect, .nv-topology .nv-segment rect { fill: #e9f0fd; stroke: #3d66b8; }
        .nv-topology .nv-router rect { fill: #fff3df; stroke: #c07c12; }
        .nv-topology .nv-container rect { fill: #f3fbf4; stroke: #3b8a4c; }
        .nv-topology .nv-title { font-weight: 700; }
        .nv-topology .nv-line { fill: #4a5568; }
        .nv-topology .nv-edge { fill: none; stroke-width: 1.4; }
        .nv-topology .nv-gateway { stroke: #c07c12; stroke-dasharray: 5 3; }
        .nv-topology .nv-tunnel { stroke: #666; stroke-dasharray: 2 3; }
        """;

    /// <summary>The SVG document.</summary>
    public static string Write(TopologyView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var layout = TopologyLayout.Of(view);
        var byId = view.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var hues = view.Nodes.Where(n => n.Kind is TopologyNodeKind.Network or TopologyNodeKind.Segment)
            .Select((n, i) => (n.Id, Hue: (i * 137.508) % 360)).ToDictionary(x => x.Id, x => x.Hue, StringComparer.Ordinal);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"nv-topology\" width=\"{N(layout.Width)}\" height=\"{N(layout.Height)}\" viewBox=\"0 0 {N(layout.Width)} {N(layout.Height)}\" role=\"img\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<title>NetVirt topology, generation {view.Generation} ({X(view.Target)})</title>\n<style>{Style}</style>\n");

        foreach (var (id, box) in layout.Groups)
        {
            var node = byId[id];
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"nv-group nv-{Kind(node)}\" data-id=\"{X(id)}\"><rect x=\"{N(box.X)}\" y=\"{N(box.Y)}\" width=\"{N(box.Width)}\" height=\"{N(box.Height)}\" rx=\"8\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(box.X + 8)}\" y=\"{N(box.Y + 15)}\">{X(TopologyLayout.Title(node) + (node.Lines.Count > 0 ? " · " + node.Lines[0] : ""))}</text></g>\n");
        }

        foreach (var edge in view.Edges)
        {
            if (!layout.Nodes.TryGetValue(edge.From, out var from) || !layout.Nodes.TryGetValue(edge.To, out var to))
            {
                continue;
            }

            var (x1, y1, x2, y2, css, colour) = edge.Kind switch
            {
                // A router sits left of its networks: its leg runs from the router's right to the network's left.
                TopologyEdgeKind.Gateway => (to.Right, to.CentreY, from.X, from.CentreY, "nv-gateway", ""),
                _ => (from.Right, from.CentreY, to.X, edge.Port is { } port && layout.Ports.TryGetValue(port, out var py) ? py : to.CentreY,
                    "nv-" + edge.Kind.ToString().ToLowerInvariant(),
                    hues.TryGetValue(edge.From, out var hue) ? string.Create(CultureInfo.InvariantCulture, $" style=\"stroke: hsl({hue:0} 55% 42%)\"") : ""),
            };
            var bend = Math.Max(30, (x2 - x1) / 2);
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"nv-edge {css}\" data-from=\"{X(edge.From)}\" data-to=\"{X(edge.To)}\"{colour} d=\"M{N(x1)},{N(y1)} C{N(x1 + bend)},{N(y1)} {N(x2 - bend)},{N(y2)} {N(x2)},{N(y2)}\"><title>{X(edge.Label)}</title></path>\n");
        }

        foreach (var node in view.Nodes)
        {
            if (!layout.Nodes.TryGetValue(node.Id, out var box))
            {
                continue;
            }

            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"nv-node nv-{Kind(node)}\" data-id=\"{X(node.Id)}\" tabindex=\"0\"><title>{X(string.Join("\n", node.Details.Select(d => $"{d.Key}: {d.Value}").Prepend(TopologyLayout.Title(node))))}</title>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(box.X)}\" y=\"{N(box.Y)}\" width=\"{N(box.Width)}\" height=\"{N(box.Height)}\" rx=\"{(node.Kind == TopologyNodeKind.Router ? 14 : 5)}\"/>");
            var line = 0;
            void Text(string text, string css, string? port = null)
            {
                var ty = box.Y + 6 + ((line + 0.5) * TopologyLayout.LineHeight) + 4;
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"{css}\" x=\"{N(box.X + 12)}\" y=\"{N(ty)}\"{(port is null ? "" : $" data-port=\"{X(port)}\"")}>{X(text)}</text>");
                line++;
            }

            Text(TopologyLayout.Title(node), "nv-title");
            foreach (var l in node.Lines)
            {
                Text(l, "nv-line");
            }

            foreach (var p in node.Ports)
            {
                Text(p.Label, "nv-port", p.Id);
            }

            svg.Append("</g>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Kind(TopologyNode node) => node.Kind.ToString().ToLowerInvariant();

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string X(string text) => SecurityElement.Escape(DisplayText.Escape(text))!;
}
