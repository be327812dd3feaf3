namespace NetVirt.Api.Views.Topology;

/// <summary>
/// Places a <see cref="TopologyView"/> in three columns, left to right: routers, switches (etherstub and link boxes
/// holding their networks), zones (in host boxes once there are hosts). Networks keep the model's order; zones and
/// routers sit as close as they can to the middle of the networks they connect to (barycentre, then pushed down so
/// nothing overlaps), which keeps edges short and mostly uncrossed. Deterministic and linear after a sort, so a
/// thousand zones lay out in milliseconds.
/// </summary>
public sealed class TopologyLayout
{
    /// <summary>Width of one character of the monospace font at <see cref="FontSize"/>.</summary>
    public const double CharWidth = 7.5;

    /// <summary>Font size in pixels.</summary>
    public const double FontSize = 12;

    /// <summary>Height of one text line.</summary>
    public const double LineHeight = 16;

    private const double PadX = 12;
    private const double PadY = 6;
    private const double RowGap = 10;
    private const double ColumnGap = 140;
    private const double GroupHeader = 22;
    private const double GroupPad = 10;
    private const double Margin = 16;

    private TopologyLayout(IReadOnlyDictionary<string, Box> nodes, IReadOnlyDictionary<string, Box> groups, IReadOnlyDictionary<string, double> ports, double width, double height)
    {
        Nodes = nodes;
        Groups = groups;
        Ports = ports;
        Width = width;
        Height = height;
    }

    /// <summary>Where each drawn node is (grouping nodes are in <see cref="Groups"/>).</summary>
    public IReadOnlyDictionary<string, Box> Nodes { get; }

    /// <summary>Where each grouping box is.</summary>
    public IReadOnlyDictionary<string, Box> Groups { get; }

    /// <summary>The y of each port's row centre.</summary>
    public IReadOnlyDictionary<string, double> Ports { get; }

    /// <summary>Total width.</summary>
    public double Width { get; }

    /// <summary>Total height.</summary>
    public double Height { get; }

    /// <summary>Lays out <paramref name="view"/>.</summary>
    public static TopologyLayout Of(TopologyView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var byId = view.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var switches = view.Nodes.Where(n => n.Kind is TopologyNodeKind.Network or TopologyNodeKind.Segment).ToList();
        var zones = view.Nodes.Where(n => n.Kind is TopologyNodeKind.Zone or TopologyNodeKind.Container).ToList();
        var routers = view.Nodes.Where(n => n.Kind == TopologyNodeKind.Router).ToList();
        var lowers = view.Nodes.Where(n => n.Kind is TopologyNodeKind.Etherstub or TopologyNodeKind.Link).ToList();

        double WidthOf(TopologyNode n) =>
            (new[] { Title(n) }.Concat(n.Lines).Concat(n.Ports.Select(p => p.Label)).Max(s => s.Length) * CharWidth) + (2 * PadX);
        double HeightOf(TopologyNode n) => ((1 + n.Lines.Count + n.Ports.Count) * LineHeight) + (2 * PadY);
        double ColumnWidth(IEnumerable<TopologyNode> column, double minimum) => column.Select(WidthOf).DefaultIfEmpty(minimum).Max();

        var lowerTitles = lowers.Select(l => (Title(l).Length * CharWidth) + (2 * PadX) - (2 * GroupPad));
        var w0 = ColumnWidth(routers, 0);
        var w1 = Math.Max(ColumnWidth(switches, 120), lowerTitles.DefaultIfEmpty(0).Max());
        var w2 = ColumnWidth(zones, 120);
        var x0 = Margin;
        var x1 = routers.Count == 0 ? Margin + GroupPad : x0 + w0 + ColumnGap;
        var x2 = x1 + w1 + GroupPad + ColumnGap;

        var nodes = new Dictionary<string, Box>(StringComparer.Ordinal);
        var groups = new Dictionary<string, Box>(StringComparer.Ordinal);

        // Middle column: each etherstub or link box with its networks in model order, then networks without one.
        var y = Margin;
        foreach (var lower in lowers)
        {
            var top = y;
            y += GroupHeader;
            foreach (var n in switches.Where(s => s.Parent == lower.Id))
            {
                nodes[n.Id] = new Box(x1, y, w1, HeightOf(n));
                y += HeightOf(n) + RowGap;
            }

            y = Math.Max(y, top + GroupHeader + LineHeight) + GroupPad - RowGap;
            groups[lower.Id] = new Box(x1 - GroupPad, top, w1 + (2 * GroupPad), y - top);
            y += RowGap * 2;
        }

        foreach (var n in switches.Where(s => s.Parent is null || !byId.ContainsKey(s.Parent)))
        {
            nodes[n.Id] = new Box(x1, y, w1, HeightOf(n));
            y += HeightOf(n) + RowGap;
        }

        // Zones: near the middle of their networks, in host boxes when they have hosts.
        var ports = new Dictionary<string, double>(StringComparer.Ordinal);
        var edgesTo = view.Edges.ToLookup(e => e.To, StringComparer.Ordinal);
        double Barycentre(TopologyNode n) =>
            edgesTo[n.Id].Where(e => nodes.ContainsKey(e.From)).Select(e => nodes[e.From].CentreY).DefaultIfEmpty(double.MaxValue).Average();
        var zoneGroups = zones.GroupBy(z => z.Parent is { } p && byId.TryGetValue(p, out var parent) && parent.Kind == TopologyNodeKind.Host ? p : null)
            .Select(g => (Host: g.Key, Zones: g.Select((z, i) => (Zone: z, Order: i, Want: Barycentre(z))).OrderBy(x => x.Want).ThenBy(x => x.Order).ToList()))
            .OrderBy(g => g.Zones.Select(z => z.Want).DefaultIfEmpty(0).Average()).ToList();
        var zy = Margin;
        foreach (var (host, members) in zoneGroups)
        {
            var top = zy;
            if (host is not null)
            {
                zy += GroupHeader;
            }

            foreach (var (zone, _, want) in members)
            {
                var h = HeightOf(zone);
                var at = want == double.MaxValue ? zy : Math.Max(zy, want - (h / 2));
                nodes[zone.Id] = new Box(x2, at, w2, h);
                for (var p = 0; p < zone.Ports.Count; p++)
                {
                    ports[zone.Ports[p].Id] = at + PadY + ((1 + zone.Lines.Count + p + 0.5) * LineHeight);
                }

                zy = at + h + RowGap;
            }

            if (host is not null)
            {
                zy += GroupPad - RowGap;
                groups[host] = new Box(x2 - GroupPad, top, w2 + (2 * GroupPad), zy - top);
                zy += RowGap * 2;
            }
        }

        // Routers: near the middle of their networks.
        var edgesFrom = view.Edges.Where(e => e.Kind == TopologyEdgeKind.Gateway).ToLookup(e => e.To, StringComparer.Ordinal);
        var ry = Margin;
        foreach (var (router, want) in routers.Select(r => (Router: r, Want: edgesFrom[r.Id].Where(e => nodes.ContainsKey(e.From)).Select(e => nodes[e.From].CentreY).DefaultIfEmpty(0).Average()))
            .OrderBy(r => r.Want).ToList())
        {
            var h = HeightOf(router);
            var at = Math.Max(ry, want - (h / 2));
            nodes[router.Id] = new Box(x0, at, w0, h);
            ry = at + h + RowGap;
        }

        var width = x2 + w2 + GroupPad + Margin;
        var height = nodes.Values.Concat(groups.Values).Select(b => b.Y + b.Height).DefaultIfEmpty(0).Max() + Margin;
        return new TopologyLayout(nodes, groups, ports, width, height);
    }

    /// <summary>The first line of a node: its kind and name.</summary>
    public static string Title(TopologyNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return $"{node.Kind.ToString().ToLowerInvariant()} {node.Name}";
    }

    /// <summary>A rectangle.</summary>
    /// <param name="X">Left.</param>
    /// <param name="Y">Top.</param>
    /// <param name="Width">Width.</param>
    /// <param name="Height">Height.</param>
    public readonly record struct Box(double X, double Y, double Width, double Height)
    {
        /// <summary>The vertical centre.</summary>
        public double CentreY => Y + (Height / 2);

        /// <summary>The right edge.</summary>
        public double Right => X + Width;
    }
}
