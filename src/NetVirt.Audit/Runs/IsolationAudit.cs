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
/// its tag; captures on the host's side of the bridges too, where any probe seen is HOST_REACHED. Discovery comes first (the ARP broadcasts, which also teach the bridges every MAC, and the gateway
/// queries), then every other probe back to back, paced (<see cref="InjectionPacer"/>). Above
/// <see cref="AuditOptions.StratifyAbove"/> VNICs the run is stratified (<see cref="AuditClasses"/>). Verdicts are
/// kept as frames arrive (<see cref="ArrivalLog"/>), not the frames. The run waits until every required arrival has
/// been seen, sends again what must arrive and has not (<see cref="AuditOptions.RetryRounds"/>), then waits a grace
/// period for stray frames; then <see cref="AuditJudge"/> compares with the model and <see cref="FindingCauses"/>
/// groups the findings by cause, with what the host's bridges show.
/// </summary>
public sealed class IsolationAudit(ICaptureEngine engine, IAuditHost host, TimeProvider? timeProvider = null)
{
    /// <summary>
    /// The note for an audit whose VNICs outnumber the host's neighbour tables (<see cref="IAuditHost.NeighbourTableLimit"/>),
    /// or null. Each zone that talks to a peer and each router answering a zone needs an entry, and the kernel keeps one
    /// table for all namespaces: seen at 1,000 and 5,000 zones on kernel 6.18, gateways that did not answer and false
    /// BLACKHOLEs, with "neighbor table overflow" in the kernel log.
    /// </summary>
    internal static string? NeighbourTableWarning(int vnics, int? limit) =>
        limit is { } max && vnics > max
            ? $"this host's kernel keeps at most {max:N0} neighbour entries (ARP, IPv6) for all namespaces together (net.ipv4/ipv6.neigh.default.gc_thresh3) "
              + $"and this audit makes {vnics:N0} VNICs talk: past the limit new entries are refused ('neighbor table overflow' in dmesg), so peers and gateways "
              + $"stop answering and BLACKHOLE findings may be the host's; raise it for runs this large, e.g. sysctl -w net.ipv4.neigh.default.gc_thresh3={Math.Max(4 * vnics, 4096)} "
              + $"net.ipv6.neigh.default.gc_thresh3={Math.Max(4 * vnics, 4096)} (with gc_thresh1/gc_thresh2 below it)"
            : null;

    /// <summary>
    /// Memory a full audit of <paramref name="pairs"/> ordered pairs takes at its peak, about: its frames, verdicts and
    /// arrivals grow with the pairs. Measured as whole processes (benchmark <c>audit --cli full</c>, peak resident):
    /// 1,182 MiB for 999,000 pairs (1,000 VNICs in 10 VLANs) and 3,355 MiB for 3,998,000 (2,000), which 760 bytes a
    /// pair and 460 MiB fit.
    /// </summary>
    internal static long FullAuditMemory(long pairs) => (pairs * 760) + (460L << 20);

    /// <summary>
    /// Why a full audit of <paramref name="vnics"/> VNICs cannot run on a host with <paramref name="available"/> bytes of
    /// memory, or null when it fits (or the memory is not known): at 5,000 VNICs it would need about 18 GiB, and an audit
    /// past the host's memory is killed by the kernel or swaps, after minutes of probing, not refused up front.
    /// MemAvailable, not a cgroup's limit.
    /// </summary>
    internal static string? FullAuditTooLarge(int vnics, long pairs, long? available) =>
        available is { } free && FullAuditMemory(pairs) is var needed && needed > free
            ? $"a full audit of {vnics:N0} VNICs probes {pairs:N0} ordered pairs and needs about {Gb(needed)} of memory, and this host has {Gb(free)} "
              + "available (MemAvailable in /proc/meminfo): run the stratified audit (without --full), which proves the same matrix with far fewer probes, "
              + "or free memory; nothing was sent"
            : null;

    private static string Gb(long bytes) => $"{bytes / (double)(1L << 30):0.0} GiB";

    private static readonly byte[] FloodedBroadcast = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    private static readonly byte[] FloodedAllNodes = [0x33, 0x33, 0x00, 0x00, 0x00, 0x01];

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
        if (NeighbourTableWarning(endpoints.Count, host.NeighbourTableLimit) is { } neighbours)
        {
            notes.Add(neighbours);
        }

        var mode = options.ModeFor(endpoints.Count);
        if (mode == AuditMode.Full && FullAuditTooLarge(endpoints.Count, topology.PairCount, host.AvailableMemory) is { } tooLarge)
        {
            throw new AuditPreconditionException(tooLarge);
        }

        var classes = AuditClasses.For(topology, mode, mode == AuditMode.Stratified ? host.PortBridges(topology) : null);

        progress?.Report(new AuditProgress(AuditPhase.Opening, 0, endpoints.Count));
        var captureOptions = new CaptureOptions { BufferSize = options.BufferBytesFor(endpoints.Count), SnapshotLength = 512 };
        // The zones' captures first (a probe is injected from handles[source]), then the host's side of each bridge
        // zones' frames enter, not promiscuous: what the bridge delivers to the host's own stack, which must be nothing.
        var hostBridges = options.WatchHost ? host.HostBridges(topology) : [];
        var handles = OpenCaptures(endpoints, hostBridges, captureOptions);
        try
        {
            FilterAddressed(handles, endpoints, notes);
            if (hostBridges.Count == 0 && options.WatchHost && topology.Bridges.Count > 0)
            {
                notes.Add("not audited: whether zones reach the host (none of NetVirt's bridges was found in this namespace)");
            }

            var plan = new ProbePlan(topology, BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)), classes);
            var log = new ArrivalLog(plan);
            var recorder = new Recorder(plan, log, new GatewayMacs(), hostBridges);
            var lanes = options.SendLanesFor(endpoints.Count);
            var pacers = Enumerable.Range(0, lanes).Select(_ => new InjectionPacer(options.MaxInjectRate / lanes)).ToArray();
            using var set = new CaptureSet(handles, time);
            var run = set.RunAsync(recorder.OnFrame, Timeout.InfiniteTimeSpan, cancellationToken);

            // Stage 1: gateway queries alone first, answered before anything floods: a bridge floods a broadcast to every
            // port with the routers' legs last, and on a large host the copies of thousands of broadcasts overflow the
            // receive backlog (silently, on the receiving side), which took the queries with them at 5,000 zones.
            var queries = ProbePlanner.PlanDiscovery(plan);
            var queryProbes = plan.Probes.Where(p => p.Kind == ProbeKind.GatewayQuery).Select(p => p.Index).ToList();
            recorder.Queries = queries;
            var sentAt = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            Inject(plan, handles, queryProbes, pacers, log, options, AuditPhase.Discovering, null, cancellationToken);
            long asked = 0;
            for (var attempt = 0; attempt <= options.RetryRounds; attempt++)
            {
                // A query lost on a busy host is asked again: a gateway that never answers costs its routed probes.
                if (attempt > 0)
                {
                    List<int> unanswered = [.. queryProbes.Where((probe, k) => !recorder.Gateways.TryGet(queries[k].Network, queries[k].Family, out _))];
                    asked += unanswered.Count;
                    Inject(plan, handles, unanswered, pacers, log, options, AuditPhase.Discovering, null, cancellationToken);
                }

                await WaitAsync(() => recorder.Gateways.Count >= queries.Count, options.DiscoveryTimeout / (options.RetryRounds + 1), cancellationToken).ConfigureAwait(false);
                if (recorder.Gateways.Count >= queries.Count)
                {
                    break;
                }
            }

            // Then the broadcasts and learning frames of stage 1.
            var queried = queryProbes.ToHashSet();
            Inject(plan, handles, Enumerable.Range(0, plan.Count).Where(i => !queried.Contains(i)), pacers, log, options, AuditPhase.Discovering, progress, cancellationToken);
            recorder.Queries = null;
            foreach (var q in queries.Where(q => !recorder.Gateways.TryGet(q.Network, q.Family, out _)))
            {
                notes.Add($"gateway {q.Gateway} of network {q.Network} did not answer {(q.Family == AddressFamily.InterNetwork ? "ARP" : "neighbour solicitation")} from {endpoints[q.Asker].Name} within {options.DiscoveryTimeout.TotalMilliseconds:0} ms");
            }

            // Stage 2: everything else, back to back; then what must arrive and has not, again.
            var first = plan.Count;
            ProbePlanner.PlanProbes(plan, recorder.Gateways, foreign);
            recorder.CountRequired();
            Inject(plan, handles, Enumerable.Range(first, plan.Count - first), pacers, log, options, AuditPhase.Probing, progress, cancellationToken);
            recorder.Forget(log);
            var lastSent = clock.Elapsed;
            long resent = 0;
            for (var round = 0; ; round++)
            {
                progress?.Report(new AuditProgress(AuditPhase.Settling, round, options.RetryRounds + 1));
                await WaitAsync(() => recorder.AllRequiredSeen, options.Deadline, cancellationToken).ConfigureAwait(false);
                if (recorder.AllRequiredSeen || round >= options.RetryRounds)
                {
                    break;
                }

                var again = recorder.MissingRequired().ToList();
                resent += again.Count;
                foreach (var i in again)
                {
                    plan.Repair(i); // sent again as the frame a zone would send
                }

                Inject(plan, handles, again, pacers, log, options, AuditPhase.Settling, null, cancellationToken);
                recorder.Forget(log);
                lastSent = clock.Elapsed;
            }

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

            var refusals = pacers.Sum(p => p.Refusals);
            if (refusals > 0)
            {
                notes.Add($"the kernel refused {refusals} frames for full buffers; injection slowed down (to {pacers.Sum(p => p.Rate):0} frames/s at the end) and waited {pacers.Sum(p => p.BackedOff.TotalMilliseconds):0} ms in all before resending them");
            }

            if (log.UnsentCount > 0)
            {
                notes.Add($"{log.UnsentCount} probes could not be sent within {options.SendTimeout.TotalSeconds:0} s each (buffers stayed full); they are judged as not probed");
            }

            if (asked > 0)
            {
                notes.Add($"{asked} gateway queries were asked again within the discovery timeout");
            }

            if (resent > 0)
            {
                notes.Add($"{resent} probes that must arrive had not and were sent again (up to {options.RetryRounds} more times) before judging");
            }

            if (log.Unlisted > 0)
            {
                notes.Add($"{log.Unlisted} forbidden arrivals beyond the first {ArrivalLog.MaxListedGroups} finding groups are marked in the matrix but not listed");
            }

            progress?.Report(new AuditProgress(AuditPhase.Judging, 0, 1));
            var info = new AuditRunInfo
            {
                Started = started,
                Duration = clock.Elapsed,
                ProbesSent = plan.Count,
                FramesCaptured = summary.FramesDelivered,
                Arrivals = log.Arrivals,
                Window = window,
                SentAtMicroseconds = sentAt,
                Dropped = dropped,
                ProbesResent = resent + asked,
                SendRefusals = refusals,
                ProbesUnsent = log.UnsentCount,
                Engine = engine.Name,
                HostBridges = hostBridges,
                Notes = notes,
            };
            var result = AuditJudge.Judge(plan, log, recorder.Gateways, foreign, info);
            return result.IsClean ? result : result with { Causes = FindingCauses.Group(result, host.UnexpectedBridgePorts(topology)) };
        }
        finally
        {
            handles.DisposeAll();
        }
    }

    // Promiscuous in the zones (a leak is a frame for another MAC); not on the bridges, whose host side is asked only
    // what the bridge delivers to the host's own stack (in promiscuous mode a bridge passes every frame up).
    private List<ICaptureHandle> OpenCaptures(IReadOnlyList<AuditEndpoint> endpoints, IReadOnlyList<string> hostBridges, CaptureOptions options)
    {
        List<ICaptureHandle> handles = [.. engine.OpenMany([.. endpoints.Select(e => new CaptureTarget(e.Netns, e.Interface))], options)];
        if (hostBridges.Count == 0)
        {
            return handles;
        }

        try
        {
            handles.AddRange(engine.OpenMany([.. hostBridges.Select(b => new CaptureTarget(null, b))], options with { Promiscuous = false }));
            return handles;
        }
        catch
        {
            handles.DisposeAll();
            throw;
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

    // Injects the probes from their sources' handles, in order per source, paced by the copies the bridge makes (a
    // group-addressed frame reaches the source's whole domain); a frame the kernel refuses for a full buffer is retried
    // after a pause, and given up (marked unsent) only when the buffers stay full for SendTimeout. With more than one
    // pacer the sources are split into that many lanes, each sent by its own thread with its own pacer (and share of the
    // rate): a frame injected into a veth is bridged, filtered and delivered inside the sending system call, so one
    // sending thread keeps one core busy however many the host has (docs/performance.md).
    private static void Inject(ProbePlan plan, IReadOnlyList<ICaptureHandle> handles, IEnumerable<int> indexes, InjectionPacer[] pacers, ArrivalLog log, AuditOptions options, AuditPhase phase, IProgress<AuditProgress>? progress, CancellationToken cancellationToken)
    {
        var list = indexes as IReadOnlyList<int> ?? [.. indexes];
        var unsent = new List<int>[pacers.Length];
        if (pacers.Length == 1 || list.Count < MinParallel)
        {
            unsent[0] = InjectLane(plan, handles, list, pacers[0], 1, options, phase, progress, cancellationToken);
        }
        else
        {
            var lanes = new List<int>[pacers.Length];
            for (var l = 0; l < lanes.Length; l++)
            {
                lanes[l] = new List<int>(list.Count / lanes.Length + 1);
            }

            var probes = plan.Probes;
            foreach (var i in list)
            {
                lanes[probes[i].Source % lanes.Length].Add(i);
            }

            var threads = Enumerable.Range(0, lanes.Length)
                .Select(l => Task.Factory.StartNew(
                    () => unsent[l] = InjectLane(plan, handles, lanes[l], pacers[l], lanes.Length, options, phase, l == 0 ? progress : null, cancellationToken),
                    cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            Task.WaitAll(threads, cancellationToken);
        }

        foreach (var i in unsent.Where(u => u is not null).SelectMany(u => u))
        {
            log.MarkUnsent(i);
        }

        progress?.Report(new AuditProgress(phase, list.Count, list.Count));
    }

    // Fewer probes than this go out from one thread: starting lanes costs more than it saves.
    private const int MinParallel = 4096;

    // One lane: its probes in order; returns those given up. Progress is scaled by the number of lanes.
    private static List<int> InjectLane(ProbePlan plan, IReadOnlyList<ICaptureHandle> handles, IReadOnlyList<int> list, InjectionPacer pacer, int laneCount, AuditOptions options, AuditPhase phase, IProgress<AuditProgress>? progress, CancellationToken cancellationToken)
    {
        var probes = plan.Probes;
        var unsent = new List<int>();
        for (var n = 0; n < list.Count; n++)
        {
            if (n % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new AuditProgress(phase, n * laneCount, list.Count * laneCount));
            }

            var i = list[n];
            var frame = plan.FrameOf(i);
            pacer.BeforeSend(Copies(plan, probes[i], frame));
            var since = Stopwatch.GetTimestamp();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    handles[probes[i].Source].Inject(frame);
                    pacer.Sent();
                    break;
                }
                catch (PcapException ex) when (ex.IsBufferFull)
                {
                    if (Stopwatch.GetElapsedTime(since) > options.SendTimeout)
                    {
                        unsent.Add(i);
                        break;
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    pacer.Refused(attempt);
                }
            }
        }

        return unsent;
    }

    // The copies the host makes of a probe when the model holds: a broadcast or all-nodes frame reaches every port of
    // its source's domain, except a spoofing probe, which the source's own port must drop. Counting the 20,000 spoofing
    // broadcasts of 5,000 zones as floods would pace them as millions of copies; when protection is broken they do
    // flood, and the first copies that arrive are all the finding needs. A neighbour solicitation to a solicited-node
    // group floods the domain too (no bridge learns the zones' groups: their MLD reports are dropped), but is counted
    // once, as are the kinds addressed across domains to a MAC the source's bridge never learnt: there are few of them
    // (one to a group per class inside a domain and one per other domain, ProbePlanner.PlanProbes), and counting them
    // slowed the full audit of 1,000 zones in 10 VLANs by 3.5 s (35.5 s against 31.9 s), both clean.
    private static int Copies(ProbePlan plan, Probe probe, ReadOnlySpan<byte> frame)
    {
        var flooded = frame[..6].SequenceEqual(FloodedBroadcast) || frame[..6].SequenceEqual(FloodedAllNodes);
        return !flooded || ProbeKinds.Category(probe.Kind) == ProbeCategory.Spoofing
            ? 1
            : plan.Topology.InDomain(plan.Topology.Endpoints[probe.Source].Domain).Count;
    }

    // Each capture delivers only frames addressed to its VNIC: its MAC, broadcast, all-nodes and its solicited-node
    // groups. Everything the audit judges is addressed so; the copies a bridge floods of frames to other MACs are not
    // judged, and there are pairs × domain size of them in a full audit (README: flooding).
    private static void FilterAddressed(IReadOnlyList<ICaptureHandle> handles, IReadOnlyList<AuditEndpoint> endpoints, List<string> notes)
    {
        for (var i = 0; i < endpoints.Count; i++)
        {
            try
            {
                handles[i].SetFilter(AddressedFilter(endpoints[i]));
            }
            catch (PcapException ex)
            {
                notes.Add($"capture on {handles[i].Target} takes every frame: its filter could not be set ({ex.Message})");
            }
        }
    }

    /// <summary>The pcap-filter(7) expression for frames addressed to <paramref name="endpoint"/>.</summary>
    public static string AddressedFilter(AuditEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var groups = endpoint.Ipv6.Append(Eui64.LinkLocal(endpoint.Mac))
            .Select(a => a.GetAddressBytes())
            .Select(b => $"33:33:ff:{b[13]:x2}:{b[14]:x2}:{b[15]:x2}")
            .Distinct(StringComparer.Ordinal)
            .Select(m => $" or ether dst {m}");
        return $"ether dst {endpoint.Mac} or ether broadcast or ether dst 33:33:00:00:00:01{string.Concat(groups)}";
    }

    private async Task WaitAsync(Func<bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        while (!done() && time.GetElapsedTime(start) < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), time, cancellationToken).ConfigureAwait(false);
        }
    }

    // Runs on the capture thread: recognise tagged probes and record them in the log, learn gateway MACs.
    private sealed class Recorder(ProbePlan plan, ArrivalLog log, GatewayMacs gateways, IReadOnlyList<string> hostBridges)
    {
        private readonly int zones = plan.Topology.Endpoints.Count;

        private long required = long.MaxValue;
        private long seen;

        public GatewayMacs Gateways => gateways;

        public volatile IReadOnlyList<GatewayQuery>? Queries;

        public bool AllRequiredSeen => Interlocked.Read(ref seen) >= Interlocked.Read(ref required);

        // Stage-one broadcasts are required at every peer of their domain; stage-two probes at their target.
        public void CountRequired()
        {
            long count = 0;
            foreach (var p in plan.Probes)
            {
                count += Required(p);
            }

            Interlocked.Exchange(ref required, count);
        }

        // Probes that could not be sent will never arrive; stop waiting for them.
        public void Forget(ArrivalLog unsent)
        {
            if (unsent.UnsentCount == 0)
            {
                return;
            }

            long count = 0;
            foreach (var p in plan.Probes)
            {
                count += unsent.IsUnsent(p.Index) ? 0 : Required(p);
            }

            Interlocked.Exchange(ref required, count);
        }

        // Read after the capture thread settled (the caller waited for the deadline): what must arrive and has not.
        public IEnumerable<int> MissingRequired()
        {
            var endpoints = plan.Topology.Endpoints;
            foreach (var p in plan.Probes)
            {
                if (Required(p) == 0 || log.IsUnsent(p.Index))
                {
                    continue;
                }

                var complete = p.Target >= 0
                    ? log.ReachedTarget(p.Index)
                    : plan.Topology.InDomain(endpoints[p.Source].Domain).All(r => r == p.Source || log.ReachedPeer(p.Index, r));
                if (!complete)
                {
                    yield return p.Index;
                }
            }
        }

        public void OnFrame(int receiver, ReadOnlySpan<byte> frame, CaptureFrameInfo info)
        {
            var index = plan.FindIn(frame);
            if (index < 0)
            {
                if (Queries is { } queries && !ProbeTag.TryFind(frame, out _, out _))
                {
                    LearnGateway(receiver, frame, queries);
                }

                return;
            }

            var probe = plan.Probes[index];
            if (!ProbeSignature.Matches(probe.Kind, frame, plan.FrameOf(index)))
            {
                return; // a reply quoting the probe, not the probe
            }

            if (receiver >= zones)
            {
                log.RecordAtHost(index, hostBridges[receiver - zones], info.TimestampMicroseconds, frame);
                return;
            }

            if (log.Record(index, receiver, plan.Expect(probe, receiver), info.TimestampMicroseconds, frame))
            {
                Interlocked.Increment(ref seen);
            }
        }

        private long Required(in Probe p)
        {
            if (ProbeKinds.Category(p.Kind) != ProbeCategory.Reachability)
            {
                return 0;
            }

            var endpoints = plan.Topology.Endpoints;
            return p.Target >= 0
                ? plan.TargetExpectation(p, endpoints[p.Target]).Expectation == Expectation.Must ? 1 : 0
                : plan.Topology.InDomain(endpoints[p.Source].Domain).Count - 1;
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
