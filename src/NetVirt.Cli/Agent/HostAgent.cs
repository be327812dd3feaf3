using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetVirt.Api;
using NetVirt.Api.Endpoints;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Linux;
using NetVirt.Model.Errors;
using NetVirt.Model.Topology;
using NetVirt.Planning;
using NetVirt.Reconciliation;
using NetVirt.Store;

namespace NetVirt.Cli.Agent;

/// <summary>
/// Theory of operation. One agent per host (<c>netvirt agent --server URL --host NAME</c>) keeps the host equal to its
/// slice of the central desired state, level-triggered as the single-host reconciler: read the slice, render it (with
/// the host's overlay), observe the host, plan, apply, report. It re-reads the slice on every doorbell (<c>GET
/// /changes</c> answers when the generation moves), on every (re)connect (a new server instance id, or the server back
/// after an outage: the bells missed in between are not needed, the slice is read whole) and periodically with jitter
/// (a lost bell, or drift made by hand, costs a delay, never a missed change). Every report carries the agent's id (kept
/// in its state directory) and this run's boot id, so a restart is said, never guessed; the server binds a host to one
/// agent at a time, and this agent applies nothing while another holds its host. When the server cannot be reached the
/// host stays as it is (the data plane does not depend on the server) and the agent keeps trying with jittered backoff;
/// at start it applies the last slice it read, so a host that rebooted comes back without the server.
/// </summary>
public sealed class HostAgent
{
    private readonly AgentOptions _options;
    private readonly AgentServer _server;
    private readonly NetVirtStore _journal;
    private readonly Func<LinuxBackendOptions, IHostBackend> _backends;
    private readonly TextWriter _log;
    private readonly TimeProvider _time;
    private readonly string _bootId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
    private readonly AgentIdentity _identity;
    private long? _converged;
    private string _state = "starting";
    private JsonObject _report = [];

    /// <summary>An agent for <see cref="AgentOptions.Host"/>, journaling into <paramref name="journal"/> (its own local database).</summary>
    public HostAgent(AgentOptions options, AgentServer server, NetVirtStore journal, Func<LinuxBackendOptions, IHostBackend> backends, TextWriter log, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _server = server;
        _journal = journal;
        _backends = backends;
        _log = log;
        _time = time ?? TimeProvider.System;
        _identity = AgentIdentity.Open(options.StateDirectory, options.Host);
    }

    /// <summary>This run's boot id (new at every start).</summary>
    public string BootId => _bootId;

    /// <summary>The agent's id (kept across restarts in the state directory).</summary>
    public string AgentId => _identity.AgentId;

    /// <summary>Reconciles passes so far (for tests and the log).</summary>
    public int Passes { get; private set; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Log($"agent {AgentId} (boot {_bootId}) for host '{_options.Host}' with prefix '{_options.Prefix}', server {_server.Address}, state in {_options.StateDirectory}");
        await ClaimAsync(cancellationToken).ConfigureAwait(false);

        var failures = 0;
        var outage = false;
        SliceView? view = null;
        string? instance = null;
        var nextResync = DateTimeOffset.MinValue;
        var read = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (read)
                {
                    var (fresh, slice) = await _server.SliceAsync(_options.Host, cancellationToken).ConfigureAwait(false);
                    if (outage)
                    {
                        Log($"server {_server.Address} is back (instance {fresh.Server}, generation {fresh.Generation}): catching up");
                        outage = false;
                    }
                    else if (instance is not null && fresh.Server != instance)
                    {
                        Log($"server restarted (instance {instance} → {fresh.Server}): slice read again");
                    }

                    view = fresh;
                    instance = fresh.Server;
                    _identity.SaveSlice(fresh);
                    read = false;
                    var ok = await ReconcileAsync(fresh.Generation, fresh.DeploymentId, slice, "server", cancellationToken).ConfigureAwait(false);
                    await ReportAsync(cancellationToken).ConfigureAwait(false);
                    nextResync = _time.GetUtcNow() + Jitter(_options.Resync);
                    failures = ok ? 0 : failures + 1;
                    if (!ok)
                    {
                        await Task.Delay(Backoff(failures), _time, cancellationToken).ConfigureAwait(false);
                        read = true;
                    }

                    continue;
                }

                var left = nextResync - _time.GetUtcNow();
                var wait = left < _options.Heartbeat ? left : _options.Heartbeat;
                var change = wait > TimeSpan.Zero
                    ? await _server.WaitAsync(view!.Generation, wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait, cancellationToken).ConfigureAwait(false)
                    : new ChangeView(view!.Generation, instance!);
                if (change.Server != instance || change.Generation != view.Generation)
                {
                    read = true; // the bell, or a restarted server: read the slice whole
                    continue;
                }

                if (_time.GetUtcNow() >= nextResync)
                {
                    read = true; // periodic: drift by hand, a lost bell
                    continue;
                }

                await ReportAsync(cancellationToken).ConfigureAwait(false); // heartbeat
            }
            catch (ServerUnreachableException ex)
            {
                if (!outage)
                {
                    Log($"{ex.Message}; the host stays as it is and the agent keeps trying");
                    outage = true;
                }

                failures++;
                read = true;
                await Task.Delay(Backoff(failures), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException ex)
            {
                // Another agent holds the host (its lease is live): apply nothing until it is gone.
                Log(ex.Message);
                await ClaimAsync(cancellationToken).ConfigureAwait(false);
                read = true;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        Log("stopped; the host keeps its network as it is");
    }

    /// <summary>
    /// Reports <c>starting</c> until the server accepts this agent for the host (nothing is applied before: another
    /// agent may hold it). While the server cannot be reached, applies the last slice this agent read, once.
    /// </summary>
    private async Task ClaimAsync(CancellationToken cancellationToken)
    {
        var appliedCached = false;
        var attempt = 0;
        while (true)
        {
            try
            {
                _state = "starting";
                await ReportAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ConcurrencyConflictException ex)
            {
                Log($"{ex.Message}; waiting");
                await Task.Delay(Backoff(++attempt, cap: TimeSpan.FromSeconds(10)), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (ServerUnreachableException ex)
            {
                if (!appliedCached && _identity.LoadSlice() is { } cached)
                {
                    Log($"{ex.Message}; applying the last slice read (generation {cached.Generation}) until it answers");
                    await ReconcileAsync(cached.Generation, cached.DeploymentId, AgentServer.ToSlice(cached), "cache", cancellationToken).ConfigureAwait(false);
                }
                else if (!appliedCached)
                {
                    Log($"{ex.Message}; no slice read before: waiting for the server");
                }

                appliedCached = true;
                await Task.Delay(Backoff(++attempt), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One pass: render the slice with its overlay, observe, plan, apply. Returns false when the host is not converged.</summary>
    private async Task<bool> ReconcileAsync(long generation, string deploymentId, HostSlice slice, string source, CancellationToken cancellationToken)
    {
        Passes++;
        var report = new JsonObject { ["generation"] = generation, ["source"] = source, ["prefix"] = _options.Prefix };
        try
        {
            var backend = _backends(new LinuxBackendOptions { Prefix = _options.Prefix, DeploymentId = deploymentId, Overlay = LinuxOverlay.Of(slice) });
            var reconciler = new Reconciler(_journal, backend);
            var (plan, run) = await reconciler.ApplyModelAsync(generation, slice.Model, ApplyOptions.Default with { Trigger = $"agent {_options.Host}" }, cancellationToken).ConfigureAwait(false);
            var drift = Planner.Diff(plan.Desired, plan.Observed);
            report["drift"] = new JsonArray([.. drift.Take(50).Select(d => (JsonNode)JsonValue.Create($"{d.Kind.ToString().ToLowerInvariant()} {d.Resource}{(d.Changes.IsEmpty ? "" : ": " + string.Join(", ", d.Changes))}"))]);
            report["drift-count"] = drift.Count;
            report["problems"] = new JsonArray([.. plan.Plan.Problems.Select(p => (JsonNode)JsonValue.Create(p.ToString()))]);
            report["observed"] = Counts(plan.Observed);
            report["zones"] = slice.Model.Zones.Count;
            report["tunnels"] = LinuxOverlay.Of(slice).Tunnelled.Count();
            if (run is not null)
            {
                report["run"] = new JsonObject
                {
                    ["id"] = run.RunId, ["outcome"] = run.Outcome.ToString().ToLowerInvariant(), ["steps"] = run.Plan.Steps.Count,
                    ["seconds"] = Math.Round(run.Duration.TotalSeconds, 3), ["error"] = run.Error,
                };
            }

            var converged = plan.Plan.Problems.IsEmpty && (run is null || run.Succeeded);
            _state = converged ? "converged" : "failed";
            if (converged)
            {
                _converged = generation;
            }
            else
            {
                report["error"] = run?.Error ?? string.Join("; ", plan.Plan.Problems.Take(3));
            }

            Log(converged
                ? $"generation {generation} ({source}): {(run is null ? "nothing to do" : $"applied {run.Plan.Steps.Count} steps in {run.Duration.TotalSeconds:0.00} s (run {run.RunId})")}, {slice.Model.Zones.Count} zones"
                : $"generation {generation} ({source}): not converged: {report["error"]}");
            _report = report;
            return converged;
        }
        catch (Exception ex) when (ex is NetVirtException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _state = "failed";
            report["error"] = ex.Message;
            _report = report;
            Log($"generation {generation} ({source}): failed: {ex.Message}");
            return false;
        }
    }

    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        var body = new HostReportBody(AgentId, _bootId, _converged, _state, (JsonObject)_report.DeepClone());
        await _server.ReportAsync(_options.Host, body, cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject Counts(NetVirt.Planning.Resources.HostState observed)
    {
        var counts = new JsonObject();
        foreach (var group in observed.Resources.Where(r => r.Owned).GroupBy(r => r.Kind.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            counts[group.Key] = group.Count();
        }

        return counts;
    }

    // ±20 %, so that agents started together do not all resync at once.
    private static TimeSpan Jitter(TimeSpan interval) => interval * (0.8 + (0.4 * Random.Shared.NextDouble()));

    private TimeSpan Backoff(int failures, TimeSpan? cap = null)
    {
        var limit = cap ?? _options.MaxBackoff;
        var exponential = TimeSpan.FromMilliseconds(Math.Min(limit.TotalMilliseconds, _options.MinBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16))));
        return Jitter(exponential);
    }

    private void Log(string message)
    {
        lock (_log)
        {
            try
            {
                _log.WriteLine($"{_time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} agent {_options.Host}: {message}");
                _log.Flush();
            }
            catch (IOException)
            {
                // Whoever read the log went away; the host still needs its agent.
            }
        }
    }
}

/// <summary>How an agent runs.</summary>
public sealed record AgentOptions
{
    /// <summary>The host it serves (<c>--host</c>).</summary>
    public required string Host { get; init; }

    /// <summary>Ownership prefix of its host objects.</summary>
    public required string Prefix { get; init; }

    /// <summary>Where it keeps its id, its journal and the last slice it read.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Reads the slice and reconciles this often even without a bell (±20 %).</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Reports at least this often (the server binds the host to the agent for <c>HostReports.Lease</c>).</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry after a failure; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between retries.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(15);
}
