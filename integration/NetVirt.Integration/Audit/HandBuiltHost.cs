using System.Globalization;
using System.Net.Sockets;
using System.Text;
using NetVirt.Audit.Topology;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Documents;
using NetVirt.Integration.Infrastructure;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;
using NetVirt.Testing;

namespace NetVirt.Integration.Audit;

/// <summary>
/// A small model realised by hand, exactly as <see cref="LinuxNaming"/> lays it out (zone namespaces, one bridge per
/// L2 domain, veth host ends on the bridges, nftables bridge rules for protection), for testing the probe engine
/// without the Linux backend. No routers: gateways stay unanswered. Every object carries a fresh test prefix and is
/// removed on dispose, also after a failed setup.
/// </summary>
public sealed class HandBuiltHost : IAsyncDisposable
{
    /// <summary>Two tenants on stub0 (VLAN 100: a1, a2; VLAN 200: b1), fixed MACs and addresses, default protection.</summary>
    public const string TwoTenants = """
        etherstubs:
          - name: stub0
        networks:
          - name: ta
            tenant: ta
            over: stub0
            vlan: 100
            ipv4: { subnet: 10.81.0.0/24 }
            ipv6: { subnet: "fd81:100::/64" }
          - name: tb
            tenant: tb
            over: stub0
            vlan: 200
            ipv4: { subnet: 10.82.0.0/24 }
        zones:
          - name: a1
            vnics:
              - { name: net0, network: ta, mac: "02:4e:56:81:00:01", addresses: [ { tag: v4, address: 10.81.0.11/24 }, { tag: v6, address: "fd81:100::11/64" } ] }
          - name: a2
            vnics:
              - { name: net0, network: ta, mac: "02:4e:56:81:00:02", addresses: [ { tag: v4, address: 10.81.0.12/24 }, { tag: v6, address: "fd81:100::12/64" } ] }
          - name: b1
            vnics:
              - { name: net0, network: tb, mac: "02:4e:56:82:00:01", protection: [mac-nospoof, ip-nospoof, dhcp-nospoof], addresses: [ { tag: v4, address: 10.82.0.11/24 } ] }
        """;

    private readonly List<string> namespaces = [];
    private readonly List<string> bridges = [];

    private HandBuiltHost(string prefix, NetworkModel model)
    {
        Prefix = prefix;
        Naming = new LinuxNaming(prefix);
        Model = model;
        Topology = AuditTopology.FromModel(model, Naming);
    }

    public string Prefix { get; }

    public LinuxNaming Naming { get; }

    public NetworkModel Model { get; }

    public AuditTopology Topology { get; }

    public static async Task<HandBuiltHost> CreateAsync(string yaml = TwoTenants)
    {
        Prerequisites.EnsureAvailable();
        var loaded = DocumentLoader.Load("hand-built.yaml", yaml);
        if (!loaded.IsValid)
        {
            throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        }

        var host = new HandBuiltHost(TestPrefix.Any(), loaded.Model);
        try
        {
            await host.BuildAsync();
            return host;
        }
        catch (Exception ex)
        {
            var state = await NamespacePair.RunAsync("/usr/sbin/ip", "-d", "link", "show", "type", "bridge");
            await host.DisposeAsync();
            throw new InvalidOperationException($"building hand-made topology {host.Prefix} failed: {ex.Message}\n{state.Stdout}", ex);
        }
    }

    public AuditEndpoint Endpoint(string zone) => Topology.Endpoints.Single(e => e.Zone == zone);

    public string HostEnd(string zone) => Naming.VnicHostEnd(zone, Endpoint(zone).Vnic);

    public string BridgeOf(string zone) => Naming.Bridge(Endpoint(zone).Domain.Over, Endpoint(zone).Domain.Vlan);

    /// <summary>Deletes the protection rules of one VNIC (the chain of its host end).</summary>
    public Task RemoveProtectionAsync(string zone) => NftAsync($"flush chain bridge {Naming.NftTable} {ChainOf(HostEnd(zone))}\n");

    /// <summary>Joins the bridges of two zones with a veth pair named after the prefix.</summary>
    public async Task BridgeDomainsAsync(string zoneA, string zoneB)
    {
        var a = Prefix + "-xa";
        var b = Prefix + "-xb";
        await NamespacePair.IpAsync("link", "add", a, "type", "veth", "peer", "name", b);
        await NamespacePair.IpAsync("link", "set", a, "master", BridgeOf(zoneA), "up");
        await NamespacePair.IpAsync("link", "set", b, "master", BridgeOf(zoneB), "up");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var ns in namespaces)
        {
            await NamespacePair.RunAsync("/usr/sbin/ip", "netns", "del", ns);
        }

        foreach (var link in bridges.Concat([Prefix + "-xa"]))
        {
            await NamespacePair.RunAsync("/usr/sbin/ip", "link", "del", link);
        }

        await NamespacePair.RunAsync("/usr/sbin/nft", "delete", "table", "bridge", Naming.NftTable);
    }

    private async Task BuildAsync()
    {
        var index = new ModelIndex(Model);
        foreach (var domain in Topology.Domains)
        {
            var bridge = Naming.Bridge(domain.Over, domain.Vlan);
            await NamespacePair.IpAsync("link", "add", bridge, "type", "bridge");
            bridges.Add(bridge);
            await NamespacePair.IpAsync("link", "set", bridge, "up");
        }

        var nft = new StringBuilder($"table bridge {Naming.NftTable} {{\n");
        foreach (var zone in Model.Zones)
        {
            var netns = Naming.ZoneNetns(zone.Name);
            await NamespacePair.IpAsync("netns", "add", netns);
            namespaces.Add(netns);
            await NamespacePair.IpAsync("-n", netns, "link", "set", "lo", "up");
            foreach (var vnic in zone.Vnics)
            {
                var endpoint = Topology.Endpoints.Single(e => e.Zone == zone.Name && e.Vnic == vnic.Name);
                var hostEnd = Naming.VnicHostEnd(zone.Name, vnic.Name);
                await NamespacePair.IpAsync("link", "add", hostEnd, "type", "veth", "peer", "name", vnic.Name, "netns", netns, "address", endpoint.Mac.ToString());
                await NamespacePair.IpAsync("link", "set", hostEnd, "master", Naming.Bridge(endpoint.Domain.Over, endpoint.Domain.Vlan), "up");
                foreach (var (_, address) in index.InterfaceAddresses(vnic))
                {
                    var args = new List<string> { "-n", netns, "addr", "add", address.ToString(), "dev", vnic.Name };
                    if (address.Family == AddressFamily.InterNetworkV6)
                    {
                        args.Add("nodad");
                    }

                    await NamespacePair.IpAsync([.. args]);
                }

                await NamespacePair.IpAsync("-n", netns, "link", "set", vnic.Name, "up");
                nft.Append(ProtectionChain(hostEnd, endpoint, vnic.EffectiveProtection));
            }
        }

        nft.Append("  chain prerouting {\n    type filter hook prerouting priority 0; policy accept;\n");
        foreach (var e in Topology.Endpoints)
        {
            var hostEnd = Naming.VnicHostEnd(e.Zone, e.Vnic);
            nft.Append(CultureInfo.InvariantCulture, $"    iifname \"{hostEnd}\" jump {ChainOf(hostEnd)}\n");
        }

        // The host is on none of the networks, as NetVirt makes it: nothing a port sends is delivered to the host itself.
        nft.Append("  }\n  chain input {\n    type filter hook input priority 0; policy accept;\n");
        foreach (var e in Topology.Endpoints)
        {
            nft.Append(CultureInfo.InvariantCulture, $"    iifname \"{Naming.VnicHostEnd(e.Zone, e.Vnic)}\" drop\n");
        }

        nft.Append("  }\n}\n");
        await NftAsync(nft.ToString());
    }

    private static string ChainOf(string hostEnd) => "vnic-" + hostEnd;

    private static string ProtectionChain(string hostEnd, AuditEndpoint e, Protection protection)
    {
        var rules = new StringBuilder().Append(CultureInfo.InvariantCulture, $"  chain {ChainOf(hostEnd)} {{\n");
        if (protection.HasFlag(Protection.MacNospoof))
        {
            rules.Append(CultureInfo.InvariantCulture, $"    ether saddr != {e.Mac} drop\n    arp saddr ether != {e.Mac} drop\n");
        }

        if (protection.HasFlag(Protection.IpNospoof))
        {
            var v4 = e.AllowedSources.Where(n => n.BaseAddress.AddressFamily == AddressFamily.InterNetwork).ToList();
            var v6 = e.AllowedSources.Where(n => n.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6).Select(n => n.ToString()).Append("::/128").ToList();
            rules.Append(v4.Count == 0 ? "    ether type { ip, arp } drop\n" : $"    ip saddr != {{ {string.Join(", ", v4)} }} drop\n    arp saddr ip != {{ {string.Join(", ", v4)} }} drop\n");
            rules.Append(CultureInfo.InvariantCulture, $"    ip6 saddr != {{ {string.Join(", ", v6)} }} drop\n");
        }

        if (protection.HasFlag(Protection.DhcpNospoof))
        {
            rules.Append("    udp sport 67 drop\n");
        }

        return rules.Append("  }\n").ToString();
    }

    private static async Task NftAsync(string script)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, script);
            var (exit, _, stderr) = await NamespacePair.RunAsync("/usr/sbin/nft", "-f", file);
            if (exit != 0)
            {
                throw new InvalidOperationException($"nft -f failed (exit {exit}): {stderr.Trim()}\n{script}");
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
