using System.Diagnostics;
using NetVirt.Audit.Capture;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Topology;

namespace NetVirt.Audit.Passive;

/// <summary>
/// Passive mode: sends nothing. Opens two captures per VNIC: what it receives, inbound on the zone's end of the veth,
/// and what it sends, inbound on the host end (where the zone's frames arrive before the bridge and its nftables
/// protection see them). A macvlan VNIC has no host end; only what it receives is watched. Reads them all in one <see cref="CaptureSet"/> run for the given time and flags every frame that
/// <see cref="PassiveRules"/> rejects, grouped by VNIC, direction and offending source, with the first frames as evidence.
/// </summary>
public sealed class PassiveAudit(ICaptureEngine engine, IAuditHost host, TimeProvider? timeProvider = null)
{
    private const int EvidenceFrames = 3;

    /// <summary>Watches <paramref name="topology"/> for <paramref name="duration"/>.</summary>
    public async Task<PassiveResult> RunAsync(AuditTopology topology, TimeSpan duration, IProgress<AuditProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var time = timeProvider ?? TimeProvider.System;
        var endpoints = topology.Endpoints;
        if (endpoints.Count == 0)
        {
            throw new AuditPreconditionException("the desired state has no zone with a VNIC to watch; add zones and run 'netvirt apply' first");
        }

        var missing = host.MissingNamespaces(topology);
        if (missing.Count > 0)
        {
            throw new AuditPreconditionException($"{missing.Count} zone namespaces do not exist ({string.Join(", ", missing.Take(5))}): run 'netvirt apply' first");
        }

        progress?.Report(new AuditProgress(AuditPhase.Opening, 0, endpoints.Count * 2));
        var targets = endpoints.Select(e => new CaptureTarget(e.Netns, e.Interface)).ToList();
        var senders = endpoints.Where(e => e.HostEnd is not null).ToList();
        var inbound = engine.OpenMany(targets, new CaptureOptions { Direction = CaptureDirection.Inbound });
        IReadOnlyList<ICaptureHandle> outbound = [];
        try
        {
            outbound = engine.OpenMany([.. senders.Select(e => new CaptureTarget(null, e.HostEnd!))], new CaptureOptions { Direction = CaptureDirection.Inbound });
            var rules = new PassiveRules(topology);
            var groups = new Dictionary<(int Endpoint, bool Outbound, string Source), (Verdicts.FindingKind Kind, int Sender, string Expected, int Count, List<(long, byte[])> Frames)>();
            var n = endpoints.Count;
            using var set = new CaptureSet([.. inbound, .. outbound], time);
            var started = time.GetUtcNow();
            var clock = Stopwatch.StartNew();
            var run = set.RunAsync((id, frame, info) =>
            {
                var isOutbound = id >= n;
                var endpoint = isOutbound ? senders[id - n].Index : id;
                if (rules.Check(endpoint, isOutbound, frame) is not { } bad)
                {
                    return;
                }

                var key = (endpoint, isOutbound, bad.Source);
                if (!groups.TryGetValue(key, out var group))
                {
                    group = (bad.Kind, bad.Sender, bad.Expected, 0, []);
                }

                if (group.Frames.Count < EvidenceFrames)
                {
                    group.Frames.Add((info.TimestampMicroseconds, frame.ToArray()));
                }

                groups[key] = group with { Count = group.Count + 1 };
            }, duration, cancellationToken);

            while (!run.IsCompleted)
            {
                progress?.Report(new AuditProgress(AuditPhase.Settling, (long)clock.Elapsed.TotalMilliseconds, (long)duration.TotalMilliseconds));
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken)).ConfigureAwait(false);
            }

            var summary = await run.ConfigureAwait(false);
            var findings = groups.Select(g => new PassiveFinding(g.Value.Kind, g.Key.Endpoint, g.Value.Sender, g.Key.Outbound, g.Key.Source, g.Value.Expected, g.Value.Count, g.Value.Frames))
                .OrderBy(f => f.Endpoint).ThenBy(f => f.Outbound).ThenBy(f => f.Source, StringComparer.Ordinal).ToList();
            var notes = topology.Skipped.Select(s => $"not watched: {s}")
                .Concat(endpoints.Where(e => e.HostEnd is null).Select(e => $"what {e.Name} sends is not watched: a macvlan VNIC has no host end to capture on"))
                .Concat(summary.Failures.Select(f => $"capture on {f.Target} failed: {f.Error.Message}")).ToList();
            return new PassiveResult(topology, findings, started, clock.Elapsed, summary.FramesDelivered, notes);
        }
        finally
        {
            inbound.DisposeAll();
            outbound.DisposeAll();
        }
    }
}
