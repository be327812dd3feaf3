using System.Diagnostics;
using System.Globalization;
using System.Net;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Illumos;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Planning.Resources;

namespace NetVirt.Bench.Planner;

/// <summary>
/// The planner figure of the illumos issue: render + plan for 1,000 zones × 2 VNICs × 2 addresses against an observed
/// state with 5% drift (missing, changed in place, changed so it must be replaced, extra), side by side with the
/// baseline of planning from an empty observed state. Median wall time of several runs after warm-up, bytes allocated
/// by one run, and the process's peak working set.
/// </summary>
public sealed class PlannerBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "planner";

    /// <inheritdoc />
    public string Description => "render + plan, 1,000 zones x 2 VNICs x 2 addresses, 5% drift vs empty host (illumos backend)";

    /// <inheritdoc />
    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = Options.Parse(args, "drift", "runs", "zones");
        var zones = int.Parse(options.Get("zones", "1000"), CultureInfo.InvariantCulture);
        var runs = int.Parse(options.Get("runs", "21"), CultureInfo.InvariantCulture);
        var drift = double.Parse(options.Get("drift", "0.05"), CultureInfo.InvariantCulture);

        var model = BuildModel(zones);
        var backend = new IllumosBackend(new ProcessCommandRunner(), new IllumosBackendOptions { Variant = IllumosVariant.SmartOs });
        var applied = backend.Render(model).Desired;
        var (drifted, counts) = Drift(applied, drift);

        var rows = new List<string>();
        foreach (var (name, observed) in new[] { ("empty host (baseline)", HostState.Empty), ($"{drift:P0} drift", drifted) })
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = Measure(backend, model, observed, runs);
            rows.Add($"| {name} | {observed.Resources.Count:N0} | {result.Steps:N0} | {result.RenderMs:0.0} | {result.PlanMs:0.0} | {result.TotalMs:0.0} | "
                + $"{result.AllocatedBytes / 1048576.0:0.0} | {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} |");
        }

        var desired = applied.Resources.Count;
        Console.WriteLine($"Planner, {zones:N0} zones × 2 VNICs × 2 addresses: {desired:N0} desired host objects ({applied.Resources.Count(r => r.Owned):N0} owned). "
            + $"Drift: {counts.Missing} missing, {counts.ChangedInPlace} changed in place, {counts.Replaced} changed (replace), {counts.Extra} extra. "
            + $"Median of {runs} runs after warm-up; {Environment.ProcessorCount} cores, .NET {Environment.Version}.");
        Console.WriteLine();
        Console.WriteLine("| observed state | observed objects | plan steps | render ms | plan ms | render + plan ms | allocated MB / run | peak working set MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return Task.FromResult(0);
    }

    private static (int Steps, double RenderMs, double PlanMs, double TotalMs, long AllocatedBytes) Measure(IllumosBackend backend, NetworkModel model, HostState observed, int runs)
    {
        int steps = 0;
        for (var i = 0; i < 5; i++)
        {
            var warm = backend.Render(model);
            steps = NetVirt.Planning.Planner.Plan(warm.Desired, observed, warm.Problems).Steps.Count;
        }

        var render = new List<double>();
        var plan = new List<double>();
        var total = new List<double>();
        var allocated = new List<long>();
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var stopwatch = Stopwatch.StartNew();
            var rendered = backend.Render(model);
            var afterRender = stopwatch.Elapsed.TotalMilliseconds;
            var result = NetVirt.Planning.Planner.Plan(rendered.Desired, observed, rendered.Problems);
            var end = stopwatch.Elapsed.TotalMilliseconds;
            allocated.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            render.Add(afterRender);
            plan.Add(end - afterRender);
            total.Add(end);
            steps = result.Steps.Count;
        }

        return (steps, Median(render), Median(plan), Median(total), (long)Median([.. allocated.Select(a => (double)a)]));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>One etherstub, ten dual-stack tenant networks with gateways, zones with two VNICs in two networks.</summary>
    public static NetworkModel BuildModel(int zones)
    {
        const int networks = 10;
        var nets = Enumerable.Range(0, networks).Select(i => new NetworkSpec
        {
            Name = $"tenant{i}",
            Over = "stub0",
            Vlan = 100 + i,
            Tenant = $"t{i}",
            Ipv4 = new SubnetSpec { Subnet = IPNetwork.Parse($"10.{i}.0.0/16"), Gateway = IPAddress.Parse($"10.{i}.0.1") },
            Ipv6 = new SubnetSpec { Subnet = IPNetwork.Parse($"fd00:{i}::/64"), Gateway = IPAddress.Parse($"fd00:{i}::1") },
        }).ToEquatableArray();
        var host = new int[networks];
        VnicSpec Vnic(string name, int network, ulong mac)
        {
            var n = ++host[network] + 1;
            return new VnicSpec
            {
                Name = name,
                Network = $"tenant{network}",
                Mac = new MacAddress(0x0208_2000_0000UL + mac),
                MaxBandwidth = mac % 3 == 0 ? 100_000_000 : null,
                Addresses =
                [
                    new AddressSpec { Tag = "v4", Address = IPAddress.Parse($"10.{network}.{n / 250}.{(n % 250) + 2}") },
                    new AddressSpec { Tag = "v6", Address = IPAddress.Parse($"fd00:{network}::{n + 1:x}") },
                ],
            };
        }

        return new NetworkModel
        {
            Etherstubs = [new EtherstubSpec { Name = "stub0" }],
            Networks = nets,
            Zones = Enumerable.Range(0, zones).Select(z => new ZoneSpec
            {
                Name = $"zone{z}",
                Vnics = [Vnic("net0", z % networks, (ulong)(2 * z)), Vnic("net1", (z + 1) % networks, (ulong)(2 * z) + 1)],
            }).ToEquatableArray(),
        };
    }

    /// <summary>
    /// The host as it would be after applying <paramref name="applied"/>, then drifted: <paramref name="fraction"/> of
    /// the owned objects touched, a quarter each missing (any kind), changed in place (VNIC maxbw and priority),
    /// changed beyond repair (VNIC VLAN or address: replace, with the cascade that brings), and extra (an address
    /// object left behind). Deterministic (fixed seed).
    /// </summary>
    public static (HostState Observed, (int Missing, int ChangedInPlace, int Replaced, int Extra) Counts) Drift(HostState applied, double fraction)
    {
        var random = new Random(42);
        var resources = applied.Resources.ToList();
        var count = (int)(resources.Count(r => r.Owned) * fraction);
        var quarter = count / 4;
        List<int> Pick(Func<HostResource, bool> filter, int n) =>
            [.. resources.Select((r, i) => (r, i)).Where(x => x.r.Owned && filter(x.r)).Select(x => x.i).OrderBy(_ => random.Next()).Take(n)];

        var vnics = Pick(r => r.Kind == IllumosKinds.Vnic && r.Zone is not null, 2 * quarter);
        var inPlace = vnics.Take(quarter).ToList();
        var replaceVnic = vnics.Skip(quarter).Take(quarter / 2).ToList();
        var replaceAddr = Pick(r => r.Kind == IllumosKinds.AddrObj && r.Properties[IllumosProperties.Address] is not null, quarter - replaceVnic.Count);
        var touched = inPlace.Concat(replaceVnic).Concat(replaceAddr).ToHashSet();
        var missing = Pick(r => r.Kind != IllumosKinds.Etherstub, count).Where(i => !touched.Contains(i)).Take(quarter).ToHashSet();
        foreach (var i in inPlace)
        {
            resources[i] = resources[i] with { Properties = resources[i].Properties.With(IllumosProperties.MaxBandwidth, "300M").With(IllumosProperties.Priority, "low") };
        }

        foreach (var i in replaceVnic)
        {
            resources[i] = resources[i] with { Properties = resources[i].Properties.With(IllumosProperties.Vlan, "4000") };
        }

        foreach (var i in replaceAddr)
        {
            var address = InterfaceAddress.Parse(resources[i].Properties[IllumosProperties.Address]!);
            var moved = new InterfaceAddress(IpAddressMath.Add(address.Address, 1000), address.PrefixLength);
            resources[i] = resources[i] with { Properties = resources[i].Properties.With(IllumosProperties.Address, moved.ToString()) };
        }

        var extras = Pick(r => r.Kind == IllumosKinds.IpInterface, count - (3 * quarter)).Select((i, k) => new HostResource
        {
            Kind = IllumosKinds.AddrObj,
            Name = $"{resources[i].Name}/extra{k}",
            Zone = resources[i].Zone,
            Properties = PropertyBag.Of((IllumosProperties.Type, "static"), (IllumosProperties.Address, $"10.250.{k / 250}.{(k % 250) + 1}/24")),
            DependsOn = [resources[i].Id],
        }).ToList();

        return (new HostState([.. resources.Where((_, i) => !missing.Contains(i)), .. extras]),
            (missing.Count, inPlace.Count, replaceVnic.Count + replaceAddr.Count, extras.Count));
    }
}
