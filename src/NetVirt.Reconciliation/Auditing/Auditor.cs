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
    public AuditTopology Topology() => AuditTopology.FromModel(store.Load().Resolved, new LinuxNaming(prefix));

    /// <summary>Runs an active audit of the stored desired state; the result's header names host, prefix, database and generation.</summary>
    public async Task<AuditResult> RunAsync(AuditOptions? options, IProgress<AuditProgress>? progress, CancellationToken cancellationToken)
    {
        var state = store.Load();
        var result = await new IsolationAudit(engine, host, timeProvider)
            .RunAsync(AuditTopology.FromModel(state.Resolved, new LinuxNaming(prefix)), options, progress, cancellationToken).ConfigureAwait(false);
        return result with { Header = new AuditHeader(Environment.MachineName, prefix, store.Database.Location, state.Generation, Version) };
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
