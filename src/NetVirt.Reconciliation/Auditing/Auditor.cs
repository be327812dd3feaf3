using NetVirt.Audit.Capture;
using NetVirt.Audit.Passive;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Topology;
using NetVirt.Audit.Verdicts;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Errors;
using NetVirt.Model.Validation;
using NetVirt.Store;

namespace NetVirt.Reconciliation.Auditing;

/// <summary>
/// Audits what is stored against what the host does: the endpoints come from the stored (resolved) desired state,
/// named as the Linux backend realises it with the ownership prefix, and the probes run through a capture engine.
/// </summary>
public sealed class Auditor(NetVirtStore store, ICaptureEngine engine, IAuditHost host, string prefix, TimeProvider? timeProvider = null)
{
    /// <summary>The endpoints of the stored desired state.</summary>
    public AuditTopology Topology() => TopologyOf(store.Load().Resolved);

    /// <summary>Runs an active audit of the stored desired state; the result's header names host, prefix, database and generation.</summary>
    public async Task<AuditResult> RunAsync(AuditOptions? options, IProgress<AuditProgress>? progress, CancellationToken cancellationToken)
    {
        var state = store.Load();
        var topology = TopologyOf(state.Resolved);
        var result = await new IsolationAudit(engine, host, timeProvider).RunAsync(topology, options, progress, cancellationToken).ConfigureAwait(false);
        var hosts = topology.Endpoints.Select(e => e.Host).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // A host whose agent has not brought it to the audited generation differs from the model for that reason:
        // said beside the findings, so a BLACKHOLE there reads as an agent catching up, not as a broken tunnel.
        var behind = store.HostReports.All()
            .Where(r => hosts.Contains(r.Host, StringComparer.Ordinal) && (r.Generation is not { } g || g < state.Generation || r.State != "converged"))
            .Select(r => $"host {r.Host}: its agent reports '{r.State}' at generation {(r.Generation is { } g ? g.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}; the audit judges generation {state.Generation}, so that host may still differ from it")
            .ToList();
        if (behind.Count > 0)
        {
            result = result with { Run = result.Run with { Notes = [.. result.Run.Notes, .. behind] } };
        }

        return result with
        {
            Header = hosts.Count == 0
                ? new AuditHeader(Environment.MachineName, prefix, store.Database.Location, state.Generation, Version)
                : new AuditHeader($"{Environment.MachineName} (hosts {string.Join(", ", hosts)})", string.Join(", ", hosts.Select(h => $"{h}={PrefixesOfHosts()[h]}")), store.Database.Location, state.Generation, Version),
        };
    }

    /// <summary>
    /// The endpoints of <paramref name="model"/>. With hosts (the audit across hosts), each zone is named as its host's
    /// agent realises it, by the ownership prefix the agent last reported: the audit runs where every host's zone
    /// namespaces are visible (the lab of one machine, <c>scripts/lab.sh</c>), and a zone whose namespace is not there
    /// stops it with the reason before anything is sent.
    /// </summary>
    private AuditTopology TopologyOf(NetVirt.Model.Spec.NetworkModel model)
    {
        if (model.Hosts.IsEmpty)
        {
            return AuditTopology.FromModel(model, new LinuxNaming(prefix));
        }

        var prefixes = PrefixesOfHosts();
        var unreported = model.Zones.Select(z => z.Host).OfType<string>().Distinct(StringComparer.Ordinal).Where(h => !prefixes.ContainsKey(h)).Order(StringComparer.Ordinal).ToList();
        if (unreported.Count > 0)
        {
            throw new AuditPreconditionException(
                $"host{(unreported.Count == 1 ? "" : "s")} {string.Join(", ", unreported.Select(h => $"'{h}'"))} carr{(unreported.Count == 1 ? "ies" : "y")} zones but no agent has reported for {(unreported.Count == 1 ? "it" : "them")}: " +
                "the audit across hosts finds each host's zones by the prefix its agent reports; start 'netvirt agent --host NAME' there first");
        }

        var namings = prefixes.ToDictionary(p => p.Key, p => new LinuxNaming(p.Value), StringComparer.Ordinal);
        return AuditTopology.FromModel(model, h => h is not null && namings.TryGetValue(h, out var naming) ? naming : new LinuxNaming(prefix));
    }

    // The ownership prefix each host's agent last reported (GET /hosts/{name}: report.prefix).
    private Dictionary<string, string> PrefixesOfHosts()
    {
        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var status in store.HostReports.All())
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(status.Report)?["prefix"]?.GetValue<string>() is { Length: > 0 } reported)
            {
                prefixes[status.Host] = reported;
            }
        }

        return prefixes;
    }

    /// <summary>The NetVirt version reports name: the informational version (with the commit it was built from).</summary>
    public static string Version { get; } =
        typeof(Auditor).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion
        ?? typeof(Auditor).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Runs a passive audit: captures on every VNIC for <paramref name="duration"/>.</summary>
    public Task<PassiveResult> RunPassiveAsync(TimeSpan duration, IProgress<AuditProgress>? progress, CancellationToken cancellationToken) =>
        new PassiveAudit(engine, host, timeProvider).RunAsync(Topology(), duration, progress, cancellationToken);

    /// <summary>
    /// The auditor of this host: Linux, root (capturing in other namespaces needs CAP_NET_RAW and CAP_SYS_ADMIN) and
    /// libpcap. Anything else is a clear error before anything is opened.
    /// </summary>
    public static Auditor ForHost(NetVirtStore store, HostTarget target, string prefix)
    {
        ArgumentNullException.ThrowIfNull(store);
        CheckHost(target);
        return new Auditor(store, new SharpPcapCaptureEngine(), new LinuxAuditHost(), prefix);
    }

    /// <summary>
    /// Refuses, with the reason, an audit that cannot run on this host for <paramref name="target"/> (not Linux, not
    /// root), before anything is opened, the database included.
    /// </summary>
    public static void CheckHost(HostTarget target)
    {
        if (target != HostTarget.Linux || !OperatingSystem.IsLinux())
        {
            throw new BackendUnavailableException(
                $"the audit probes a Linux host that NetVirt applied (network namespaces, bridges, libpcap); it cannot audit --target {target.ToString().ToLowerInvariant()}{(OperatingSystem.IsLinux() ? "" : " from this system")}");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            throw new BackendUnavailableException("the audit must run as root: it captures and sends frames inside every zone's network namespace (CAP_NET_RAW, CAP_SYS_ADMIN)");
        }
    }
}
