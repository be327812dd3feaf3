using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NetVirt.Audit.Capture;
using NetVirt.Backends.Linux.Namespaces;
using NetVirt.Bench.MultiHost;
using NetVirt.Integration.Infrastructure;
using PacketDotNet;
using Xunit.Abstractions;

namespace NetVirt.Integration.MultiHost;

/// <summary>
/// The lab of three hosts (<see cref="MultiHostLab"/>): a central server on PostgreSQL and an agent per host, with the
/// README's example (<c>schemas/examples/three-hosts.yaml</c>): two tenants over three hosts. Each test starts from that
/// model, applied and converged on every host.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class MultiHostTests(MultiHostTests.LabFixture fixture, ITestOutputHelper output) : IClassFixture<MultiHostTests.LabFixture>
{
    private MultiHostLab Lab => fixture.Lab;

    private static readonly string Example = File.ReadAllText(Path.Combine(RepoRoot(), "schemas", "examples", "three-hosts.yaml"));

    /// <summary>One lab for the class: building it costs a PostgreSQL cluster and four processes.</summary>
    public sealed class LabFixture : IAsyncLifetime
    {
        private MultiHostLab? _lab;

        public MultiHostLab Lab => _lab ?? throw new InvalidOperationException($"no lab: {MultiHostLab.Missing ?? Prerequisites.Missing}");

        public async Task InitializeAsync()
        {
            if ((Prerequisites.Missing ?? MultiHostLab.Missing) is { } why)
            {
                if (Prerequisites.Required)
                {
                    throw new InvalidOperationException($"the multi-host tests cannot run: {why}");
                }

                return;
            }

            _lab = await MultiHostLab.StartAsync(resync: TimeSpan.FromSeconds(20));
        }

        public async Task DisposeAsync()
        {
            if (_lab is not null)
            {
                await _lab.DisposeAsync();
            }
        }
    }

    /// <summary>The example applied, every agent running and converged.</summary>
    private async Task<long> ResetAsync()
    {
        for (var i = 1; i <= Lab.Hosts; i++)
        {
            if (Lab.Agent(i) is null)
            {
                Lab.StartAgent(i);
            }
        }

        var generation = await Lab.PutStateAsync(Example);
        await Lab.WaitConvergedAsync(generation);
        return generation;
    }

    private string Zone(string zone) => zone switch
    {
        "acme-web1" or "globex-app1" => Lab.ZoneNetns(zone, 1),
        "acme-web2" => Lab.ZoneNetns(zone, 2),
        _ => Lab.ZoneNetns(zone, 3),
    };

    [MultiHostFact]
    public async Task TenantAcrossThreeHosts_PingsWithinTenant_NothingAcrossTenants()
    {
        await ResetAsync();

        // acme: L2 across h1-h2 over VXLAN, routed h1→h3 and h3→h2 by the anycast gateway on each host.
        Assert.True(MultiHostLab.Ping(Zone("acme-web1"), "10.100.0.12"), "acme-web1 (h1) → acme-web2 (h2), one L2 domain over VXLAN");
        Assert.True(MultiHostLab.Ping(Zone("acme-web1"), "10.101.0.13"), "acme-web1 (h1) → acme-db1 (h3), routed");
        Assert.True(MultiHostLab.Ping(Zone("acme-db1"), "10.100.0.12"), "acme-db1 (h3) → acme-web2 (h2), routed");
        Assert.True(MultiHostLab.Ping(Zone("globex-app1"), "10.100.0.22"), "globex-app1 (h1) → globex-app2 (h3)");

        // The same subnet on another VLAN and VNI: nothing crosses, whichever host.
        Assert.False(MultiHostLab.Ping(Zone("acme-web1"), "10.100.0.22"), "acme-web1 reached globex-app2 (same subnet, other tenant)");
        Assert.False(MultiHostLab.Ping(Zone("globex-app1"), "10.100.0.12"), "globex-app1 reached acme-web2");
        Assert.False(MultiHostLab.Ping(Zone("globex-app2"), "10.101.0.13"), "globex-app2 reached acme-db1");

        // No flooding: h2 carries acme's two domains (a zone in acme-front, acme's router routing to acme-back), so two
        // tunnels, with entries for acme's VNICs on other hosts only: none for globex, no default destination.
        var h2 = Lab.InHost(2, "bridge", "fdb", "show");
        output.WriteLine(h2);
        Assert.Equal(2, Lab.InHost(2, "ip", "-d", "link", "show", "type", "vxlan").Split('\n').Count(l => l.Contains("vxlan id", StringComparison.Ordinal)));
        Assert.DoesNotContain("00:00:00:00:00:00", h2, StringComparison.Ordinal);
        var vnics = await VnicsAsync();
        string Colon(string zone) => string.Join(':', Enumerable.Range(0, 6).Select(i => vnics[zone].Mac.ToString().ToLowerInvariant().Substring(i * 2, 2)));
        Assert.Contains($"{Colon("acme-web1")} dev {Lab.AgentPrefix(2)}-x", h2, StringComparison.Ordinal);
        Assert.Contains($"{Colon("acme-db1")} dev {Lab.AgentPrefix(2)}-x", h2, StringComparison.Ordinal);
        Assert.DoesNotContain(Colon("globex-app1"), h2, StringComparison.Ordinal);
        Assert.DoesNotContain(Colon("globex-app2"), h2, StringComparison.Ordinal);
    }

    [MultiHostFact]
    public async Task ForgedSources_FromAZoneOrInjectedOnTheUnderlay_DoNotReachAnotherHost()
    {
        await ResetAsync();
        var vnics = await VnicsAsync();
        var web1 = vnics["acme-web1"];
        var web2 = vnics["acme-web2"];
        var engine = new SharpPcapCaptureEngine();
        using var sender = engine.Open(Zone("acme-web1"), "net0");
        using var receiver = engine.Open(Zone("acme-web2"), "net0");

        // Frames from web1's VNIC: the honest one crosses to h2, forged MAC or IP sources do not.
        var honest = Udp(web2.Mac, web1.Mac, web1.Address, web2.Address, "honest");
        var forgedMac = Udp(web2.Mac, PhysicalAddress.Parse("02-00-5E-10-00-01"), web1.Address, web2.Address, "forged-mac");
        var forgedIp = Udp(web2.Mac, web1.Mac, IPAddress.Parse("10.100.0.99"), web2.Address, "forged-ip");
        var seen = Exchange(receiver, () =>
        {
            sender.Inject(honest);
            sender.Inject(forgedMac);
            sender.Inject(forgedIp);
        });
        Assert.Contains("honest", seen);
        Assert.DoesNotContain("forged-mac", seen);
        Assert.DoesNotContain("forged-ip", seen);

        // An attacker on the underlay sends VXLAN straight to h2: a frame from a MAC the model puts on another host of
        // the domain passes (so the tunnel is open), one from any other MAC, or tagged, goes no further than the tunnel.
        var vni = (await Lab.HostAsync(2)).GetProperty("overlay").EnumerateArray().Single(o => o.GetProperty("vlan").GetInt32() == 100).GetProperty("vni").GetInt32();
        using var underlay = NetnsThread.Run(Lab.Hub, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp));
        var h2 = new IPEndPoint(IPAddress.Parse($"{MultiHostLab.Underlay}.2"), 4789);
        seen = Exchange(receiver, () =>
        {
            underlay.SendTo(Vxlan(vni, Udp(web2.Mac, web1.Mac, web1.Address, web2.Address, "tunnel-known")), h2);
            underlay.SendTo(Vxlan(vni, Udp(web2.Mac, PhysicalAddress.Parse("02-00-5E-10-00-02"), web1.Address, web2.Address, "tunnel-forged")), h2);
            underlay.SendTo(Vxlan(vni, Tagged(Udp(web2.Mac, web1.Mac, web1.Address, web2.Address, "tunnel-tagged"), 200)), h2);
        });
        Assert.Contains("tunnel-known", seen);
        Assert.DoesNotContain("tunnel-forged", seen);
        Assert.DoesNotContain("tunnel-tagged", seen);
    }

    [MultiHostFact]
    public async Task ZoneMovedFromH1ToH2_LeavesNothingOnH1_AndIsReachableOnH2()
    {
        await ResetAsync();
        var mac = (await VnicsAsync())["acme-web1"].Mac.ToString().ToLowerInvariant();
        var colon = string.Join(':', Enumerable.Range(0, 6).Select(i => mac.Substring(i * 2, 2)));
        Assert.Contains($"{colon} dev", Lab.InHost(3, "bridge", "fdb", "show"), StringComparison.Ordinal);

        var moved = Example.Replace("  - name: acme-web1\n    host: h1", "  - name: acme-web1\n    host: h2", StringComparison.Ordinal);
        Assert.NotEqual(Example, moved);
        var generation = await Lab.PutStateAsync(moved);
        await Lab.WaitConvergedAsync(generation);

        // h1: no namespace, no interface, no forwarding or neighbour entry of the zone; no acme tunnel at all (its
        // only zone left is globex's).
        Assert.False(File.Exists($"/run/netns/{Lab.ZoneNetns("acme-web1", 1)}"));
        var h1 = Lab.InHost(1, "bridge", "fdb", "show") + Lab.InHost(1, "ip", "neigh", "show") + Lab.InHost(1, "ip", "-d", "link", "show");
        Assert.DoesNotContain(colon, h1, StringComparison.Ordinal);
        Assert.DoesNotContain("10.100.0.11 ", h1, StringComparison.Ordinal);
        // h3 sends web1's frames to h2 now, and only there.
        var tunnelled = Lab.InHost(3, "bridge", "fdb", "show").Split('\n').Where(l => l.StartsWith(colon, StringComparison.Ordinal) && l.Contains(" dst ", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"dst {MultiHostLab.Underlay}.2"], tunnelled.Select(l => l[l.IndexOf("dst ", StringComparison.Ordinal)..].Split(' ')[..2]).Select(w => string.Join(' ', w)));
        // h2 has it as a local port: no tunnel entry for it.
        Assert.DoesNotContain($"{colon} dev {Lab.AgentPrefix(2)}-x", Lab.InHost(2, "bridge", "fdb", "show"), StringComparison.Ordinal);
        Assert.True(MultiHostLab.Ping(Lab.ZoneNetns("acme-web1", 2), "10.101.0.13"), "the moved zone (now h2) → acme-db1 (h3)");
        Assert.True(MultiHostLab.Ping(Zone("acme-db1"), "10.100.0.11"), "acme-db1 (h3) → the moved zone");
    }

    [MultiHostFact]
    public async Task AgentKilledMidApplyAndRestarted_Converges()
    {
        await ResetAsync();
        // Twenty more zones on h2, and the agent killed while it applies them.
        var more = Example + string.Concat(Enumerable.Range(1, 20).Select(i =>
            $"  - {{ name: acme-x{i}, host: h2, vnics: [{{ name: net0, network: acme-front, addresses: [{{ tag: v4, address: 10.100.0.{100 + i} }}] }}] }}\n"));
        var before = (await Lab.HostAsync(2)).GetProperty("host").GetProperty("agent").GetProperty("restarts").GetInt64();
        var generation = await Lab.PutStateAsync(more);
        await WaitForAsync(() => Directory.GetFiles("/run/netns", $"{Lab.AgentPrefix(2)}-z-acme-x*").Length > 0, "h2's agent to start applying");
        Lab.KillAgent(2);
        Lab.StartAgent(2);
        await Lab.WaitConvergedAsync(generation);

        var host = (await Lab.HostAsync(2)).GetProperty("host").GetProperty("agent");
        Assert.Equal(before + 1, host.GetProperty("restarts").GetInt64());
        Assert.True(MultiHostLab.Ping(Zone("acme-web1"), "10.100.0.120"), "acme-web1 (h1) → acme-x20 (h2) after the restart");
        Assert.Equal(0, await DriftAfterResyncAsync(2));
    }

    [MultiHostFact]
    public async Task ServerStopped_DataPlaneUnaffected_AgentsCatchUpWhenItReturns()
    {
        await ResetAsync();
        await Lab.StopServersAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // the agents notice
        Assert.True(MultiHostLab.Ping(Zone("acme-web1"), "10.100.0.12", count: 3), "L2 across hosts with the server down");
        Assert.True(MultiHostLab.Ping(Zone("acme-web1"), "10.101.0.13", count: 3), "routed across hosts with the server down\n" + Lab.Diagnose());
        Assert.False(MultiHostLab.Ping(Zone("acme-web1"), "10.100.0.22"), "isolation with the server down");
        Assert.All(Enumerable.Range(1, Lab.Hosts), i => Assert.False(Lab.Agent(i)!.HasExited, $"agent h{i} exited with the server down"));

        await Lab.StartServerAsync();
        var more = Example + "  - { name: acme-late, host: h3, vnics: [{ name: net0, network: acme-front, addresses: [{ tag: v4, address: 10.100.0.50 }] }] }\n";
        var generation = await Lab.PutStateAsync(more);
        await Lab.WaitConvergedAsync(generation);
        Assert.True(MultiHostLab.Ping(Zone("acme-web2"), "10.100.0.50"), "acme-web2 (h2) → a zone added after the server came back (h3)");
        Assert.Contains("is back", Lab.Log("h1"), StringComparison.Ordinal);
    }

    [MultiHostFact]
    public async Task AuditAcrossHosts_MatchesTheModel_AndFindsALeakCarriedToAnotherHost()
    {
        await ResetAsync();

        // The audit runs where every host's zone namespaces are (the lab's machine): probes from h1 are captured on h2
        // and h3, and the matrix follows the same rules as on one host.
        var clean = await AuditAsync();
        Assert.True(clean.GetProperty("clean").GetBoolean(), clean.ToString());
        var hosts = clean.GetProperty("endpoints").EnumerateArray().ToDictionary(e => e.GetProperty("zone").GetString()!, e => e.GetProperty("host").GetString());
        Assert.Equal("h2", hosts["acme-web2"]);
        Assert.Equal("reached", Cell(clean, "acme-web1", "acme-web2", "icmpv4-echo")); // L2 over VXLAN, h1 → h2
        Assert.Equal("reached", Cell(clean, "acme-web1", "acme-db1", "udpv4"));        // routed, h1 → h3
        Assert.Equal("isolated", Cell(clean, "acme-web1", "globex-app2", "icmpv4-echo")); // other tenant, same subnet, h3
        Assert.Equal("not crossed (allowed)", Cell(clean, "acme-web1", "acme-web2", "arp-broadcast")); // ARP answered on h1
        Assert.DoesNotContain(clean.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("host ", StringComparison.Ordinal)); // every agent at the audited generation

        // globex-app1's port moved onto acme-front's bridge on h1 by hand: the audit sees its frames arrive on h2 and h3.
        var naming = new NetVirt.Backends.Linux.Resources.LinuxNaming(Lab.AgentPrefix(1));
        var port = naming.VnicHostEnd("globex-app1", "net0");
        Lab.InHost(1, "ip", "link", "set", port, "master", naming.Bridge("stub0", 100));
        try
        {
            var leak = await AuditAsync();
            Assert.False(leak.GetProperty("clean").GetBoolean());
            var findings = leak.GetProperty("findings").EnumerateArray().Select(f => $"{f.GetProperty("kind").GetString()} {f.GetProperty("from").GetString()} -> {f.GetProperty("to").GetString()} {f.GetProperty("probe").GetString()}").ToList();
            output.WriteLine(string.Join("\n", findings));
            Assert.Contains("LEAK globex-app1/net0 -> acme-web2/net0 icmpv4-echo", findings);
            Assert.Contains("LEAK globex-app1/net0 -> acme-web1/net0 icmpv4-echo", findings);
        }
        finally
        {
            Lab.InHost(1, "ip", "link", "set", port, "master", naming.Bridge("stub0", 200));
        }

        // A host whose agent has not reached the audited generation is said in the report's notes.
        Lab.KillAgent(3);
        try
        {
            await Lab.PutStateAsync(Example.Replace("labels: { rack: b }", "labels: { rack: c }", StringComparison.Ordinal));
            var behind = await AuditAsync();
            Assert.Contains(behind.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("host h3: its agent reports", StringComparison.Ordinal));
        }
        finally
        {
            Lab.StartAgent(3);
        }
    }

    // POST /audit on the lab's server, then its report.
    private async Task<JsonElement> AuditAsync()
    {
        using var started = await Lab.Client.PostAsync(new Uri("/audit", UriKind.Relative), null);
        var text = await started.Content.ReadAsStringAsync();
        Assert.True(started.IsSuccessStatusCode, text);
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
        var done = JsonDocument.Parse(await Lab.Client.GetStringAsync(new Uri($"/audits/{id}?wait=120", UriKind.Relative))).RootElement;
        Assert.True(done.TryGetProperty("report", out var report) && report.ValueKind == JsonValueKind.Object, done.ToString());
        return report.Clone();
    }

    private static string Cell(JsonElement report, string from, string to, string probe) =>
        report.GetProperty("matrix").EnumerateArray()
            .Single(m => m.GetProperty("from").GetString() == from + "/net0" && m.GetProperty("to").GetString() == to + "/net0")
            .GetProperty("probes").GetProperty(probe).GetString()!;

    // The drift an agent reports after a resync pass that finds the host as it left it.
    private async Task<int> DriftAfterResyncAsync(int host)
    {
        var passes = Lab.Log($"h{host}").Split('\n').Count(l => l.Contains("generation", StringComparison.Ordinal));
        await WaitForAsync(() => Lab.Log($"h{host}").Split('\n').Count(l => l.Contains("generation", StringComparison.Ordinal)) > passes, $"h{host}'s next pass", TimeSpan.FromSeconds(40));
        return (await Lab.HostAsync(host)).GetProperty("report").GetProperty("drift-count").GetInt32();
    }

    private async Task<Dictionary<string, (PhysicalAddress Mac, IPAddress Address)>> VnicsAsync()
    {
        using var document = JsonDocument.Parse(await Lab.Client.GetStringAsync(new Uri("/vnics", UriKind.Relative)));
        return document.RootElement.EnumerateArray().ToDictionary(
            v => v.GetProperty("zone").GetString()!,
            v => (PhysicalAddress.Parse(v.GetProperty("mac").GetString()!.Replace(':', '-').ToUpperInvariant()), IPAddress.Parse(v.GetProperty("addresses")[0].GetString()!.Split('/')[0])));
    }

    // Sends, then collects the markers of every frame the receiver captured within a second.
    private static HashSet<string> Exchange(ICaptureHandle receiver, Action send)
    {
        while (receiver.Receive((_, _) => { }, 1000) > 0)
        {
        }

        send();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        while (DateTime.UtcNow < deadline)
        {
            receiver.Receive((frame, _) =>
            {
                var text = Encoding.ASCII.GetString(frame);
                foreach (var marker in (string[])["honest", "forged-mac", "forged-ip", "tunnel-known", "tunnel-forged", "tunnel-tagged"])
                {
                    if (text.Contains("netvirt-test:" + marker + ";", StringComparison.Ordinal))
                    {
                        seen.Add(marker);
                    }
                }
            }, 100);
            Thread.Sleep(10);
        }

        return seen;
    }

    private static byte[] Udp(PhysicalAddress to, PhysicalAddress from, IPAddress source, IPAddress destination, string marker)
    {
        var udp = new UdpPacket(40000, 40001) { PayloadData = Encoding.ASCII.GetBytes("netvirt-test:" + marker + ";") };
        var ip = new IPv4Packet(source, destination) { TimeToLive = 64, PayloadPacket = udp };
        udp.UpdateUdpChecksum();
        ip.UpdateIPChecksum();
        return new EthernetPacket(from, to, EthernetType.IPv4) { PayloadPacket = ip }.Bytes;
    }

    // The frame with an 802.1Q tag of VLAN id vlan after its addresses.
    private static byte[] Tagged(byte[] frame, ushort vlan)
    {
        var tagged = new byte[frame.Length + 4];
        frame.AsSpan(0, 12).CopyTo(tagged);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(14), vlan);
        frame.AsSpan(12).CopyTo(tagged.AsSpan(16));
        return tagged;
    }

    // RFC 7348: flags (I bit), reserved, VNI, reserved, then the frame.
    private static byte[] Vxlan(int vni, byte[] frame)
    {
        var packet = new byte[8 + frame.Length];
        packet[0] = 0x08;
        packet[4] = (byte)(vni >> 16);
        packet[5] = (byte)(vni >> 8);
        packet[6] = (byte)vni;
        frame.CopyTo(packet, 8);
        return packet;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NetVirt.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("NetVirt.sln not found above the test assembly");
    }
}
