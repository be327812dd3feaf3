using NetVirt.Backends.Linux;
using NetVirt.Backends.Linux.Kinds;
using NetVirt.Backends.Linux.Rendering;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Backends.Linux;

public sealed class LinuxRendererTests
{
    private static readonly LinuxNaming Naming = new("nv");

    private static readonly LinuxContext Context = new(Naming, LinuxTools.Default);

    [Fact]
    public void Render_Sample_MapsZonesBridgesRoutersAndProtection()
    {
        using var database = new TempDatabase();
        var store = database.Open();
        store.Replace(Models.Sample(), NetVirt.Model.Validation.HostTarget.Linux);
        var model = store.Load().Resolved;

        var result = LinuxRenderer.Render(model, Context, new LinuxCapabilities());

        Assert.Empty(result.Problems);
        var byKind = result.Desired.Resources.GroupBy(r => r.Kind.Name).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(9 + 3, byKind["netns"]);          // nine zones, three routers (acme, globex, initech)
        Assert.Equal(4, byKind["bridge"]);             // stub0 VLANs 100/200/300, mgmt0 untagged
        Assert.Equal(10, byKind["veth"]);
        Assert.Equal(3, byKind["leg"]);
        Assert.Equal(5, byKind["shaping"]);
        Assert.Equal(10, byKind["protection"]);
        var web1 = result.Desired.Find(new("veth", "nv-z-acme-web1/net0"))!;
        Assert.Equal(Naming.Bridge("stub0", 100), web1.Properties["bridge"]);
        Assert.Equal(Naming.VnicHostEnd("acme-web1", "net0"), web1.Properties["host-end"]);
        Assert.Contains(result.Desired.Resources, r => r.Kind.Name == "address" && r.Name == "nv-r-acme/stub0.100/10.100.0.1/24");
        Assert.Contains(result.Desired.Resources, r => r.Kind.Name == "route" && r.Name == "nv-z-acme-web1/0.0.0.0/0" && r.Properties["via"] == "10.100.0.1");
    }

    [Fact]
    public void Render_TaggedVnicOverPhysicalLink_IsAProblemNamingThe8021qModule()
    {
        var model = Models.Parse("""
            version: 1
            links: [{ name: eth1 }]
            networks:
              - { name: out, over: eth1, vlan: 20, ipv4: { subnet: 10.20.0.0/24 } }
            zones:
              - name: z1
                vnics: [{ name: net0, network: out, mac: 2:8:20:0:0:9, protection: [], addresses: [{ tag: v4, address: 10.20.0.5 }] }]
            """);

        var result = LinuxRenderer.Render(model, Context, new LinuxCapabilities { Has8021q = false });

        var problem = Assert.Single(result.Problems);
        Assert.Contains("8021q", problem.Message);
        Assert.Contains("VLAN 20", problem.Message);
    }

    [Fact]
    public void Render_UntaggedVnicOverPhysicalLink_IsAMacvlanRequiringTheLink()
    {
        var model = Models.Parse("""
            version: 1
            links: [{ name: eth1 }]
            networks:
              - { name: out, over: eth1, ipv4: { subnet: 10.20.0.0/24 } }
            zones:
              - name: z1
                vnics: [{ name: net0, network: out, mac: 2:8:20:0:0:9, protection: [], addresses: [{ tag: v4, address: 10.20.0.5 }] }]
            """);

        var result = LinuxRenderer.Render(model, Context, new LinuxCapabilities());

        Assert.Empty(result.Problems);
        var macvlan = result.Desired.Find(new("macvlan", "nv-z-z1/net0"))!;
        Assert.Equal("eth1", macvlan.Properties["link"]);
        Assert.False(result.Desired.Find(new("link", "eth1"))!.Owned);
    }
}
