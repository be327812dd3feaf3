using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NetVirt.Audit.Capture;
using NetVirt.Audit.Reports;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Topology;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Documents;

namespace NetVirt.Bench.Audit;

/// <summary>
/// The full active audit (every probe kind, every ordered pair) of N zones in 5 tenant VLANs over one etherstub, each
/// zone with IPv4 and IPv6 and default protection (mac-nospoof + ip-nospoof as nftables bridge rules). The topology is
/// laid out exactly as LinuxNaming says (zone namespaces, one bridge per VLAN, veth host ends) by a batched setup
/// under a test prefix, and removed at the end, also on failure. Reports how the time grows with N: frames grow with
/// the number of pairs, rounds do not (one capture run, probes sent once per source and per peer, back to back).
/// </summary>
public sealed class AuditBenchmark : IBenchmark
{
    private const string Ip = "/usr/sbin/ip";
    private const int Vlans = 5;

    /// <inheritdoc />
    public string Name => "audit";

    /// <inheritdoc />
    public string Description => "full isolation audit of N zones in 5 VLANs, all probe kinds, all ordered pairs (args: --zones 10,25,50,100,200)";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args);
        var sizes = options.Get("zones", "10,25,50,100,200").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var engine = new LibpcapCaptureEngine();
        Console.WriteLine($"engine: {engine.Name}; {Environment.ProcessorCount} cores");
        var rows = new List<string>();
        foreach (var n in sizes)
        {
            rows.Add(await MeasureAsync(engine, n, cancellationToken));
        }

        Console.WriteLine();
        Console.WriteLine("| zones | ordered pairs | probes sent | frames captured | probe arrivals | findings | audit time | per pair | reports written |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    private static async Task<string> MeasureAsync(LibpcapCaptureEngine engine, int zones, CancellationToken cancellationToken)
    {
        var prefix = "nvt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))[..3];
        var naming = new LinuxNaming(prefix);
        var loaded = DocumentLoader.Load("bench.yaml", ModelYaml(zones));
        if (!loaded.IsValid)
        {
            throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        }

        var topology = AuditTopology.FromModel(loaded.Model, naming);
        try
        {
            var setup = Stopwatch.StartNew();
            await BuildAsync(topology, naming, cancellationToken);
            Console.WriteLine($"[{zones} zones] topology {prefix}-* built in {setup.Elapsed.TotalSeconds:F1} s");

            var audit = new IsolationAudit(engine, new LinuxAuditHost());
            var clock = Stopwatch.StartNew();
            var result = await audit.RunAsync(topology, cancellationToken: cancellationToken);
            var elapsed = clock.Elapsed;
            var reportDir = Path.Combine(Path.GetTempPath(), $"{prefix}-audit");
            clock.Restart();
            ReportDirectory.Write(result, reportDir);
            var reports = clock.Elapsed;
            Directory.Delete(reportDir, recursive: true);
            Console.WriteLine($"[{zones} zones] audit {elapsed.TotalSeconds:F2} s: {result.Run.ProbesSent:N0} probes, {result.Run.FramesCaptured:N0} frames, {result.Findings.Count} findings; {string.Join("; ", result.Run.Notes)}");
            foreach (var f in result.Findings.Take(5))
            {
                Console.WriteLine($"  {f.Kind} {topology.Endpoints[f.Source].Name} -> {(f.Receiver < 0 ? "-" : topology.Endpoints[f.Receiver].Name)} {f.Probe}: {f.Observed}");
            }

            return string.Create(CultureInfo.InvariantCulture,
                $"| {zones} | {topology.PairCount:N0} | {result.Run.ProbesSent:N0} | {result.Run.FramesCaptured:N0} | {result.Run.Arrivals:N0} | {result.Findings.Count} | {elapsed.TotalSeconds:F2} s | {elapsed.TotalMilliseconds * 1000 / Math.Max(1, topology.PairCount):F0} µs | {reports.TotalSeconds:F2} s |");
        }
        finally
        {
            var teardown = Stopwatch.StartNew();
            await RemoveAsync(topology, naming);
            Console.WriteLine($"[{zones} zones] removed in {teardown.Elapsed.TotalSeconds:F1} s");
        }
    }

    private static string ModelYaml(int zones)
    {
        var yaml = new StringBuilder("etherstubs:\n  - name: stub0\nnetworks:\n");
        for (var v = 0; v < Vlans; v++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ name: t{v}, tenant: t{v}, over: stub0, vlan: {100 + v}, ipv4: {{ subnet: 10.{200 + v}.0.0/16 }}, ipv6: {{ subnet: \"fd77:{v}::/64\" }} }}\n");
        }

        yaml.Append("zones:\n");
        for (var z = 0; z < zones; z++)
        {
            var v = z % Vlans;
            yaml.Append(CultureInfo.InvariantCulture,
                $"  - {{ name: z{z}, vnics: [ {{ name: net0, network: t{v}, mac: \"02:4e:42:{v:x2}:{z >> 8:x2}:{z & 0xff:x2}\", addresses: [ {{ tag: a, address: 10.{200 + v}.{z >> 8}.{(z & 0xff) + 1}/16 }}, {{ tag: b, address: \"fd77:{v}::{z + 1:x}/64\" }} ] }} ] }}\n");
        }

        return yaml.ToString();
    }

    // One ip -batch for namespaces, bridges and veths (peers created straight in their namespace), one ip -batch per
    // namespace for addresses (in parallel), one nft transaction for protection.
    private static async Task BuildAsync(AuditTopology topology, LinuxNaming naming, CancellationToken cancellationToken)
    {
        var batch = new StringBuilder();
        foreach (var domain in topology.Domains)
        {
            batch.Append(CultureInfo.InvariantCulture, $"link add {naming.Bridge(domain.Over, domain.Vlan)} type bridge\nlink set {naming.Bridge(domain.Over, domain.Vlan)} up\n");
        }

        foreach (var e in topology.Endpoints)
        {
            batch.Append(CultureInfo.InvariantCulture, $"netns add {e.Netns}\n");
        }

        foreach (var e in topology.Endpoints)
        {
            var hostEnd = naming.VnicHostEnd(e.Zone, e.Vnic);
            batch.Append(CultureInfo.InvariantCulture, $"link add {hostEnd} type veth peer name {e.Interface} netns {e.Netns} address {e.Mac}\n");
            batch.Append(CultureInfo.InvariantCulture, $"link set {hostEnd} master {naming.Bridge(e.Domain.Over, e.Domain.Vlan)} up\n");
        }

        await RunAsync(Ip, ["-batch", "-"], batch.ToString(), cancellationToken);
        await Parallel.ForEachAsync(topology.Endpoints, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (e, ct) =>
        {
            var inside = new StringBuilder();
            inside.Append(CultureInfo.InvariantCulture, $"link set lo up\n");
            foreach (var a in e.Ipv4)
            {
                inside.Append(CultureInfo.InvariantCulture, $"addr add {a}/16 dev {e.Interface}\n");
            }

            foreach (var a in e.Ipv6)
            {
                inside.Append(CultureInfo.InvariantCulture, $"addr add {a}/64 dev {e.Interface} nodad\n");
            }

            inside.Append(CultureInfo.InvariantCulture, $"link set {e.Interface} up\n");
            await RunAsync(Ip, ["-n", e.Netns, "-batch", "-"], inside.ToString(), ct);
        });

        var nft = new StringBuilder($"table bridge {naming.NftTable} {{\n  chain prerouting {{\n    type filter hook prerouting priority 0; policy accept;\n");
        foreach (var e in topology.Endpoints)
        {
            var hostEnd = naming.VnicHostEnd(e.Zone, e.Vnic);
            var v4 = string.Join(", ", e.AllowedSources.Where(s => s.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork));
            var v6 = string.Join(", ", e.AllowedSources.Where(s => s.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6).Select(s => s.ToString()).Append("::/128"));
            nft.Append(CultureInfo.InvariantCulture, $"    iifname \"{hostEnd}\" ether saddr != {e.Mac} drop\n    iifname \"{hostEnd}\" arp saddr ether != {e.Mac} drop\n");
            nft.Append(CultureInfo.InvariantCulture, $"    iifname \"{hostEnd}\" ip saddr != {{ {v4} }} drop\n    iifname \"{hostEnd}\" arp saddr ip != {{ {v4} }} drop\n    iifname \"{hostEnd}\" ip6 saddr != {{ {v6} }} drop\n");
        }

        nft.Append("  }\n}\n");
        await RunAsync("/usr/sbin/nft", ["-f", "-"], nft.ToString(), cancellationToken);
    }

    private static async Task RemoveAsync(AuditTopology topology, LinuxNaming naming)
    {
        var batch = new StringBuilder();
        foreach (var e in topology.Endpoints)
        {
            batch.Append(CultureInfo.InvariantCulture, $"netns del {e.Netns}\n");
        }

        foreach (var domain in topology.Domains)
        {
            batch.Append(CultureInfo.InvariantCulture, $"link del {naming.Bridge(domain.Over, domain.Vlan)}\n");
        }

        await RunAsync(Ip, ["-force", "-batch", "-"], batch.ToString(), CancellationToken.None, check: false);
        await RunAsync("/usr/sbin/nft", ["delete", "table", "bridge", naming.NftTable], "", CancellationToken.None, check: false);
    }

    private static async Task RunAsync(string executable, string[] args, string input, CancellationToken cancellationToken, bool check = true)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {executable}");
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} {string.Join(' ', args)} failed (exit {process.ExitCode}): {(await stderr).Trim()}");
        }
    }
}
