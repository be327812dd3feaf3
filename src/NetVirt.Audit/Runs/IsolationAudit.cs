using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using NetVirt.Audit.Capture;
using NetVirt.Audit.Expectations;
using NetVirt.Audit.Probes;
using NetVirt.Audit.Topology;
using NetVirt.Audit.Verdicts;
using NetVirt.Model.Addressing;
using PacketDotNet;

namespace NetVirt.Audit.Runs;

/// <summary>
/// Runs an active isolation audit: opens a capture on every endpoint (inside its zone), starts one
/// <see cref="CaptureSet"/> run over all of them, injects every probe from its source's own capture handle (so frames
/// leave the zone by the VNIC, as the zone's kernel would send them), and records which endpoint saw which probe by
/// its tag. Discovery comes first (each source's ARP broadcast, which also teaches the bridges every MAC, and the
/// gateway queries), then every other probe back to back. The run waits until every required arrival has been seen
/// plus a grace period for stray frames, or until the deadline; then <see cref="AuditJudge"/> compares with the model
/// and <see cref="FindingCauses"/> groups the findings by cause, with what the host's bridges show.
/// </summary>
public sealed class IsolationAudit(ICaptureEngine engine, IAuditHost host, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;

    /// <summary>Audits <paramref name="topology"/>.</summary>
    public async Task<AuditResult> RunAsync(AuditTopology topology, AuditOptions? options = null, IProgress<AuditProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topology);
        options ??= AuditOptions.Default;
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var endpoints = topology.Endpoints;
        if (endpoints.Count == 0)
        {
            throw new AuditPreconditionException("the desired state has no zone with a VNIC to audit; add zones and run 'netvirt apply' first");
        }

        progress?.Report(new AuditProgress(AuditPhase.Inspecting, 0, endpoints.Count));
        var missing = host.MissingNamespaces(topology);
        if (missing.Count > 0)
        {
            var total = endpoints.Select(e => e.Netns).Distinct(StringComparer.Ordinal).Count();
            throw new AuditPreconditionException(missing.Count == total
                ? $"nothing is applied on this host: none of the {total} zone namespaces exists (e.g. {missing[0]}); run 'netvirt apply' first"
                : $"{missing.Count} of {total} zone namespaces do not exist ({string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")}): the host differs from the desired state; run 'netvirt apply' (or 'netvirt drift' to see what differs)");
        }

        var foreign = options.InspectAddresses ? ForeignAddresses(topology, host.ConfiguredAddresses(topology)) : new Dictionary<int, IReadOnlyList<IPAddress>>();
        var notes = topology.Skipped.Select(s => $"not audited: {s}").ToList();

        progress?.Report(new AuditProgress(AuditPhase.Opening, 0, endpoints.Count));
        var captureOptions = new CaptureOptions { BufferSize = options.CaptureBufferBytes, SnapshotLength = 512 };
        var handles = engine.OpenMany([.. endpoints.Select(e => new CaptureTarget(e.Netns, e.Interface))], captureOptions);
        try
        {
            var plan = new ProbePlan(topology, BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)));
            var recorder = new Recorder(plan, new GatewayMacs());
            using var set = new CaptureSet(handles, time);
            var run = set.RunAsync(recorder.OnFrame, Timeout.InfiniteTimeSpan, cancellationToken);

            // Stage 1: broadcasts and gateway queries.
            var queries = ProbePlanner.PlanDiscovery(plan);
            recorder.Queries = queries;
            var sentAt = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            Inject(plan, handles, 0..plan.Count, AuditPhase.Discovering, progress, cancellationToken);
            await WaitAsync(() => recorder.Gateways.Count >= queries.Count, options.DiscoveryTimeout, cancellationToken).ConfigureAwait(false);
            recorder.Queries = null;
            foreach (var q in queries.Where(q => !recorder.Gateways.TryGet(q.Network, q.Family, out _)))
            {
                notes.Add($"gateway {q.Gateway} of network {q.Network} did not answer {(q.Family == AddressFamily.InterNetwork ? "ARP" : "neighbour solicitation")} from {endpoints[q.Asker].Name} within {options.DiscoveryTimeout.TotalMilliseconds:0} ms");
            }

            // Stage 2: everything else, back to back.
            var first = plan.Count;
            ProbePlanner.PlanProbes(plan, recorder.Gateways, foreign);
            recorder.CountRequired();
            Inject(plan, handles, first..plan.Count, AuditPhase.Probing, progress, cancellationToken);
            var lastSent = clock.Elapsed;

            progress?.Report(new AuditProgress(AuditPhase.Settling, 0, 1));
            await WaitAsync(() => recorder.AllRequiredSeen, options.Deadline, cancellationToken).ConfigureAwait(false);
            await Task.Delay(options.Grace, time, cancellationToken).ConfigureAwait(false);
            set.Complete();
            var summary = await run.ConfigureAwait(false);
            var window = clock.Elapsed - lastSent;
            notes.AddRange(summary.Failures.Select(f => $"capture on {f.Target} failed during the run: {f.Error.Message}"));

            long dropped = 0;
            foreach (var handle in handles)
            {
                dropped += handle.GetStatistics().Dropped;
            }

            if (dropped > 0)
            {
                notes.Add($"{dropped} frames were dropped by full capture rings: verdicts may miss arrivals; raise the capture buffer");
            }

            progress?.Report(new AuditProgress(AuditPhase.Judging, 0, 1));
            var info = new AuditRunInfo
            {
                Started = started,
                Duration = clock.Elapsed,
                ProbesSent = plan.Count,
                FramesCaptured = summary.FramesDelivered,
                Arrivals = recorder.Arrivals.Count,
                Window = window,
                SentAtMicroseconds = sentAt,
                Dropped = dropped,
                Engine = engine.Name,
                Notes = notes,
            };
            var result = AuditJudge.Judge(plan, recorder.Arrivals, recorder.Gateways, foreign, info);
            return result.IsClean ? result : result with { Causes = FindingCauses.Group(result, host.UnexpectedBridgePorts(topology)) };
        }
        finally
        {
            handles.DisposeAll();
        }
    }

    /// <summary>Addresses configured on each endpoint that its allowed sources do not cover.</summary>
    public static Dictionary<int, IReadOnlyList<IPAddress>> ForeignAddresses(AuditTopology topology, IReadOnlyDictionary<int, IReadOnlyList<InterfaceAddress>> configured)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(configured);
        var result = new Dictionary<int, IReadOnlyList<IPAddress>>();
        foreach (var (index, addresses) in configured)
        {
            var endpoint = topology.Endpoints[index];
            // The kernel gives every interface the link-local address of its MAC; that one is the VNIC's own even when
            // the model has no IPv6 for it (ip-nospoof then drops it with the rest of IPv6).
            var ownLinkLocal = Eui64.LinkLocal(endpoint.Mac);
            var foreign = addresses.Select(a => a.Address).Where(a => !a.Equals(ownLinkLocal) && !endpoint.IsAllowedSource(a)).Distinct().ToList();
            if (foreign.Count > 0)
            {
                result[index] = foreign;
            }
        }

        return result;
    }

    private static void Inject(ProbePlan plan, IReadOnlyList<ICaptureHandle> handles, Range range, AuditPhase phase, IProgress<AuditProgress>? progress, CancellationToken cancellationToken)
    {
        var (start, count) = range.GetOffsetAndLength(plan.Count);
        var probes = plan.Probes;
        for (var i = start; i < start + count; i++)
        {
            if ((i - start) % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new AuditProgress(phase, i - start, count));
            }

            handles[probes[i].Source].Inject(plan.FrameOf(i));
        }

        progress?.Report(new AuditProgress(phase, count, count));
    }

    private async Task WaitAsync(Func<bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        while (!done() && time.GetElapsedTime(start) < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), time, cancellationToken).ConfigureAwait(false);
        }
    }

    // Runs on the capture thread: recognise tagged probes, keep evidence of forbidden arrivals, learn gateway MACs.
    private sealed class Recorder(ProbePlan plan, GatewayMacs gateways)
    {
        private readonly HashSet<long> requiredSeen = [];
        private long required = long.MaxValue;
        private long seen;

        public GatewayMacs Gateways => gateways;

        public List<Arrival> Arrivals { get; } = [];

        public volatile IReadOnlyList<GatewayQuery>? Queries;

        public bool AllRequiredSeen => Interlocked.Read(ref seen) >= Interlocked.Read(ref required);

        public void CountRequired()
        {
            // Stage-one broadcasts are required at every peer of their domain; stage-two probes at their target.
            long count = 0;
            var endpoints = plan.Topology.Endpoints;
            foreach (var p in plan.Probes)
            {
                if (ProbeKinds.Category(p.Kind) != ProbeCategory.Reachability)
                {
                    continue;
                }

                if (p.Target >= 0)
                {
                    count += plan.TargetExpectation(p, endpoints[p.Target]).Expectation == Expectation.Must ? 1 : 0;
                }
                else
                {
                    count += plan.Topology.InDomain(endpoints[p.Source].Domain).Count - 1;
                }
            }

            Interlocked.Exchange(ref required, count);
        }

        public void OnFrame(int receiver, ReadOnlySpan<byte> frame, CaptureFrameInfo info)
        {
            if (!ProbeTag.TryFind(frame, out var tag, out _))
            {
                if (Queries is { } queries)
                {
                    LearnGateway(receiver, frame, queries);
                }

                return;
            }

            var index = plan.IndexOf(tag);
            if (index < 0)
            {
                return;
            }

            var probe = plan.Probes[index];
            if (!ProbeSignature.Matches(probe.Kind, frame, plan.FrameOf(index)))
            {
                return; // a reply quoting the probe, not the probe
            }

            var expectation = plan.Expect(probe, receiver);
            Arrivals.Add(new Arrival(index, receiver, info.TimestampMicroseconds, expectation == Expectation.MustNot ? frame.ToArray() : null));
            if (ProbeKinds.Category(probe.Kind) == ProbeCategory.Reachability && expectation == Expectation.Must
                && (probe.Target < 0 || probe.Target == receiver) && requiredSeen.Add(((long)index << 20) | (uint)receiver))
            {
                Interlocked.Increment(ref seen);
            }
        }

        private void LearnGateway(int receiver, ReadOnlySpan<byte> frame, IReadOnlyList<GatewayQuery> queries)
        {
            if (!queries.Any(q => q.Asker == receiver))
            {
                return;
            }

            ArpPacket? arp;
            IPAddress? advertised;
            EthernetPacket? ethernet;
            try
            {
                var packet = ProbeSignature.Decode(frame);
                ethernet = packet as EthernetPacket;
                arp = packet.Extract<ArpPacket>();
                advertised = packet.Extract<NdpNeighborAdvertisementPacket>()?.TargetAddress;
            }
            catch (Exception ex) when (ProbeSignature.IsDecodeError(ex))
            {
                return; // not an answer anyone could read; zones can send anything
            }

            if (ethernet is null || (arp is null && advertised is null))
            {
                return;
            }

            foreach (var q in queries)
            {
                var answered = q.Family == AddressFamily.InterNetwork
                    ? arp is { Operation: ArpOperation.Response } && arp.SenderProtocolAddress.Equals(q.Gateway)
                    : q.Gateway.Equals(advertised);
                if (q.Asker == receiver && answered)
                {
                    gateways.Set(q.Network, q.Family, MacAddress.FromBytes(ethernet.SourceHardwareAddress.GetAddressBytes()));
                }
            }
        }
    }
}
