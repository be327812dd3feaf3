using System.Xml.Linq;
using NetVirt.Api.Views.Topology;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Api.Views;

/// <summary>The topology view model of the sample and its four renderings.</summary>
public sealed class TopologyTests
{
    private static TopologyView Sample() => TopologyBuilder.Build(Models.Sample(), 7, "linux", new NetVirt.Backends.Linux.Resources.LinuxNaming("nvt1").Bridge);

    [Fact]
    public void Build_Sample_SwitchesNetworksRoutersZonesAndVnics()
    {
        var view = Sample();
        Assert.Equal(2, view.Nodes.Count(n => n.Kind == TopologyNodeKind.Etherstub));
        Assert.Equal(4, view.Nodes.Count(n => n.Kind == TopologyNodeKind.Network));
        Assert.Equal(9, view.Nodes.Count(n => n.Kind == TopologyNodeKind.Zone));
        Assert.Equal(["acme", "globex", "initech"], view.Nodes.Where(n => n.Kind == TopologyNodeKind.Router).Select(n => n.Name));
        Assert.Equal(10, view.Edges.Count(e => e.Kind == TopologyEdgeKind.Vnic));
        Assert.Equal("etherstub:stub0", view.Node("network:acme")!.Parent);
        Assert.Contains("nvt1-stub0.100", view.Node("network:acme")!.Lines[0], StringComparison.Ordinal);
        // A zone in two networks: one port per VNIC, an edge from each network.
        var db = view.Node("zone:acme-db1")!;
        Assert.Equal(2, db.Ports.Count);
        Assert.Equal(["network:acme", "network:mgmt"], view.Edges.Where(e => e.To == db.Id).Select(e => e.From).Order(StringComparer.Ordinal));
        Assert.Contains(view.Edges, e => e.Kind == TopologyEdgeKind.Gateway && e.From == "network:acme" && e.To == "router:acme" && e.Label.Contains("10.100.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_VnicWithoutNetwork_IsOnASegmentOfItsSwitch()
    {
        var model = Models.Parse("""
            version: 1
            etherstubs: [{ name: stub0 }]
            zones:
              - name: z1
                vnics: [{ name: net0, over: stub0, vlan: 5 }]
            """);
        var view = TopologyBuilder.Build(model, 1, "illumos");
        var segment = Assert.Single(view.Nodes, n => n.Kind == TopologyNodeKind.Segment);
        Assert.Equal("etherstub:stub0", segment.Parent);
        Assert.Contains(view.Edges, e => e.From == segment.Id && e.To == "zone:z1");
    }

    [Fact]
    public void Build_ContainerZone_IsAContainerNodeNamingItsContainer()
    {
        var model = Models.Sample();
        var web = model.Zones.First(z => z.Name == "acme-web1");
        model = model with { Zones = [.. model.Zones, web with { Name = "c-4f2a", Container = new NetVirt.Model.Spec.ContainerSpec { Id = "4f2a9c" } }] };
        var view = TopologyBuilder.Build(model, 1, "linux");
        var node = Assert.Single(view.Nodes, n => n.Kind == TopologyNodeKind.Container);
        Assert.Equal("c-4f2a", node.Name);
        Assert.Contains(node.Details, d => d.Key == "container" && d.Value == "4f2a9c");
        Assert.Contains("10 zones", TopologyText.Write(view), StringComparison.Ordinal);
    }

    [Fact]
    public void Svg_IsWellFormed_EveryNodeDrawnOnceAndInside()
    {
        var view = Sample();
        var svg = XDocument.Parse(TopologySvg.Write(view));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var width = double.Parse(svg.Root!.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        var drawn = svg.Descendants(ns + "g").Where(g => g.Attribute("class")!.Value.StartsWith("nv-node", StringComparison.Ordinal)).ToList();
        Assert.Equal(view.Nodes.Count(n => !TopologyView.IsGroup(n.Kind)), drawn.Count);
        Assert.Equal(drawn.Count, drawn.Select(g => g.Attribute("data-id")!.Value).Distinct().Count());
        Assert.All(svg.Descendants(ns + "rect"), r =>
            Assert.True(double.Parse(r.Attribute("x")!.Value, System.Globalization.CultureInfo.InvariantCulture) + double.Parse(r.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture) <= width));
        // Boxes of one column never overlap.
        var layout = TopologyLayout.Of(view);
        foreach (var column in layout.Nodes.Values.GroupBy(b => b.X))
        {
            var ordered = column.OrderBy(b => b.Y).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i].Y >= ordered[i - 1].Y + ordered[i - 1].Height, "overlapping nodes");
            }
        }
    }

    [Fact]
    public void Renderings_EscapeWhatNamesAndDescriptionsHold()
    {
        var model = Models.Parse("""
            version: 1
            etherstubs: [{ name: stub0, description: "x" }]
            networks: [{ name: n1, over: stub0, vlan: 7, ipv4: { subnet: 10.0.0.0/24 } }]
            zones:
              - name: z1
                description: "<script>\u001b[31m\"quoted\""
                vnics: [{ name: net0, network: n1, addresses: [{ tag: v4, address: auto }] }]
            """);
        var view = TopologyBuilder.Build(model, 1, "illumos");
        var svg = TopologySvg.Write(view);
        XDocument.Parse(svg);
        Assert.DoesNotContain("<script>", svg, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', svg);
        Assert.DoesNotContain('\u001b', TopologyText.Write(view));
        Assert.StartsWith("digraph netvirt {", TopologyDot.Write(view), StringComparison.Ordinal);
        Assert.StartsWith("flowchart LR", TopologyMermaid.Write(view), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_Sample_TreeWithRouters()
    {
        var text = TopologyText.Write(Sample());
        Assert.StartsWith("topology of generation 7 (linux): 4 networks, 3 routers, 9 zones, 10 VNICs\n", text, StringComparison.Ordinal);
        Assert.Contains("├─ network acme  VLAN 100 · nvt1-stub0.100 · 10.100.0.0/24 · fd10:100::/64  → router acme (10.100.0.1 fd10:100::1)", text, StringComparison.Ordinal);
        Assert.Contains("router initech  routes between initech", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Svg_ThousandZones_WellFormed()
    {
        var zones = string.Join("\n", Enumerable.Range(0, 1000).Select(i => $"  - {{ name: z{i}, vnics: [{{ name: net0, network: n{i % 10} }}] }}"));
        var networks = string.Join("\n", Enumerable.Range(0, 10).Select(i => $"  - {{ name: n{i}, over: stub0, vlan: {i + 1} }}"));
        var model = Models.Parse($"version: 1\netherstubs: [{{ name: stub0 }}]\nnetworks:\n{networks}\nzones:\n{zones}\n");
        var svg = XDocument.Parse(TopologySvg.Write(TopologyBuilder.Build(model, 1, "illumos")));
        Assert.Equal(1000, svg.Descendants().Count(e => e.Attribute("data-id")?.Value.StartsWith("zone:", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Build_ModelWithHosts_GroupsEachZoneUnderItsHost()
    {
        var model = NetVirt.Tests.Support.Models.Parse(
            """
            version: 1
            hosts: [{ name: h1, address: 172.31.255.1 }, { name: h2, address: 172.31.255.2, labels: { rack: b } }]
            etherstubs: [{ name: stub0 }]
            networks: [{ name: n1, over: stub0, vlan: 10 }]
            zones:
              - { name: z1, host: h1, vnics: [{ name: net0, network: n1 }] }
              - { name: z2, host: h2, vnics: [{ name: net0, network: n1 }] }
            """);
        var view = NetVirt.Api.Views.Topology.TopologyBuilder.Build(model, 1, "linux");
        var hosts = view.Nodes.Where(n => n.Kind == NetVirt.Api.Views.Topology.TopologyNodeKind.Host).ToList();
        Assert.Equal(["h1", "h2"], hosts.Select(h => h.Name));
        Assert.Equal("host:h2", view.Nodes.Single(n => n.Name == "z2" && n.Kind == NetVirt.Api.Views.Topology.TopologyNodeKind.Zone).Parent);
        Assert.Contains("172.31.255.2 · 1 zone", hosts[1].Lines);
    }
}
