using System.Text.Json;
using NetVirt.Api.Reconcile;
using NetVirt.Model.Spec;
using NetVirt.Store;
using Prometheus;

namespace NetVirt.Api.Observability;

/// <summary>
/// The server's Prometheus metrics (<c>GET /metrics</c>), in a registry of its own (so two servers in one process,
/// as in the tests, never share counters). Counted as things happen: API requests by method, route and status with
/// their latency; reconcile runs by kind and outcome with their duration and failures (from
/// <see cref="ReconcileService.RunChanged"/>); the drift items of the last drift check and the findings by kind of
/// the last audit. Read from the store at each scrape: IPAM per network and family (usable, used, free, reserved,
/// utilisation) and the desired-state generation.
/// </summary>
public sealed class ApiMetrics : IDisposable
{
    private readonly NetVirtStore _store;
    private readonly ReconcileService _reconcile;
    private readonly Counter _requests;
    private readonly Histogram _requestSeconds;
    private readonly Counter _runs;
    private readonly Counter _runFailures;
    private readonly Histogram _runSeconds;
    private readonly Gauge _queued;
    private readonly Gauge _driftItems;
    private readonly Gauge _auditFindings;
    private readonly Gauge _generation;
    private readonly Gauge _ipamAddresses;
    private readonly Gauge _ipamUtilisation;
    private readonly object _ipamGate = new();
    private HashSet<(string Network, string Family)> _ipamSeries = [];

    /// <summary>Creates the metrics and starts counting the runs of <paramref name="reconcile"/>.</summary>
    public ApiMetrics(NetVirtStore store, ReconcileService reconcile)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _reconcile = reconcile ?? throw new ArgumentNullException(nameof(reconcile));
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter("netvirt_http_requests_total", "API requests by method, route template and status code.", "method", "route", "status");
        _requestSeconds = factory.CreateHistogram("netvirt_http_request_duration_seconds", "API request latency by method and route template.",
            new HistogramConfiguration { LabelNames = ["method", "route"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        _runs = factory.CreateCounter("netvirt_reconcile_runs_total", "Finished reconcile runs (apply, destroy, drift, plan, audit) by kind and outcome.", "kind", "outcome");
        _runFailures = factory.CreateCounter("netvirt_reconcile_failures_total", "Reconcile runs that failed, by kind.", "kind");
        _runSeconds = factory.CreateHistogram("netvirt_reconcile_run_duration_seconds", "How long reconcile runs took, by kind.",
            new HistogramConfiguration { LabelNames = ["kind"], Buckets = Histogram.ExponentialBuckets(0.01, 2, 14) });
        _queued = factory.CreateGauge("netvirt_reconcile_queued_runs", "Runs waiting in the reconcile queue.");
        _driftItems = factory.CreateGauge("netvirt_drift_items", "Objects that differed between host and desired state at the last drift check, by kind (missing, extra, changed).", "kind");
        _auditFindings = factory.CreateGauge("netvirt_audit_findings", "Findings of the last isolation audit by kind (LEAK, BLACKHOLE, ...).", "kind");
        _generation = factory.CreateGauge("netvirt_desired_state_generation", "The stored desired-state generation.");
        _ipamAddresses = factory.CreateGauge("netvirt_ipam_addresses", "Addresses per network and family by state: usable (the provisioning range), used, free, reserved.", "network", "family", "state");
        _ipamUtilisation = factory.CreateGauge("netvirt_ipam_utilisation_ratio", "Used addresses divided by usable ones, per network and family.", "network", "family");
        Registry.AddBeforeCollectCallback(ReadStore);
        _reconcile.RunChanged += OnRun;
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Counts one API request.</summary>
    public void Request(string method, string route, int status, TimeSpan elapsed)
    {
        _requests.WithLabels(method, route, status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        _requestSeconds.WithLabels(method, route).Observe(elapsed.TotalSeconds);
    }

    /// <summary>Writes every metric in the Prometheus text format.</summary>
    public Task ExportAsync(Stream stream, CancellationToken cancellationToken) => Registry.CollectAndExportAsTextAsync(stream, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _reconcile.RunChanged -= OnRun;

    private void OnRun(ReconcileRun run)
    {
        _queued.Set(_reconcile.Status().Queued);
        if (run.FinishedAt is not { } finished || run.Result is not { } result)
        {
            return;
        }

        _runs.WithLabels(run.Kind, result.Outcome).Inc();
        if (run.State == ReconcileRunState.Failed)
        {
            _runFailures.WithLabels(run.Kind).Inc();
        }

        if (run.StartedAt is { } started)
        {
            _runSeconds.WithLabels(run.Kind).Observe((finished - started).TotalSeconds);
        }

        if (run.Kind == "drift" && result.DriftItems is { } drift)
        {
            foreach (var kind in new[] { "missing", "extra", "changed" })
            {
                _driftItems.WithLabels(kind).Set(drift.Count(d => string.Equals(d.Kind.ToString(), kind, StringComparison.OrdinalIgnoreCase)));
            }
        }

        if (run.Kind == "audit" && result.ReportJson is { } json)
        {
            SetFindings(json);
        }
    }

    private void SetFindings(string reportJson)
    {
        using var report = JsonDocument.Parse(reportJson);
        if (report.RootElement.TryGetProperty("summary", out var summary) && summary.TryGetProperty("findings", out var findings) && findings.ValueKind == JsonValueKind.Object)
        {
            foreach (var kind in findings.EnumerateObject())
            {
                if (kind.Value.TryGetInt32(out var count))
                {
                    _auditFindings.WithLabels(kind.Name).Set(count);
                }
            }
        }
    }

    private void ReadStore()
    {
        _generation.Set(_store.Generation());
        var seen = new HashSet<(string, string)>();
        lock (_ipamGate)
        {
            foreach (var u in _store.Usage())
            {
                var family = SpecNames.Format(u.Family);
                seen.Add((u.Network, family));
                _ipamAddresses.WithLabels(u.Network, family, "usable").Set((double)u.Usable);
                _ipamAddresses.WithLabels(u.Network, family, "used").Set((double)u.Used);
                _ipamAddresses.WithLabels(u.Network, family, "free").Set((double)u.Free);
                _ipamAddresses.WithLabels(u.Network, family, "reserved").Set((double)u.Reserved);
                _ipamUtilisation.WithLabels(u.Network, family).Set(u.Utilisation);
            }

            // A network that was removed stops being reported instead of keeping its last values.
            foreach (var (network, family) in _ipamSeries.Where(s => !seen.Contains(s)))
            {
                foreach (var state in new[] { "usable", "used", "free", "reserved" })
                {
                    _ipamAddresses.RemoveLabelled(network, family, state);
                }

                _ipamUtilisation.RemoveLabelled(network, family);
            }

            _ipamSeries = seen;
        }
    }
}
