using System.Globalization;
using NetVirt.Api.Endpoints;
using NetVirt.Store;
using NetVirt.Store.Hosts;

namespace NetVirt.Api.Views;

/// <summary>Hosts as the API and <c>netvirt show hosts</c> show them: the desired state's hosts with their agents' last reports.</summary>
public static class HostViews
{
    /// <summary>Every host with its zone count and its agent's last report.</summary>
    public static List<HostView> List(NetVirtStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stored = store.Load();
        var reports = store.HostReports.All().ToDictionary(r => r.Host, StringComparer.Ordinal);
        return [.. stored.Resolved.Hosts.Select(h => View(h, stored, reports.GetValueOrDefault(h.Name), time))];
    }

    /// <summary>One host.</summary>
    public static HostView View(Model.Spec.HostSpec host, Store.DesiredState.StoredState stored, HostStatus? report, TimeProvider time) => new(
        host.Name,
        host.Address.ToString(),
        host.Labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal),
        stored.Resolved.Zones.Count(z => z.Host == host.Name),
        report is null ? null : AgentView(report, time) with { Converged = report.State == "converged" && report.Generation == stored.Generation },
        host.Description);

    /// <summary>An agent's report as shown.</summary>
    public static HostAgentView AgentView(HostStatus status, TimeProvider time) => new(
        status.AgentId, status.BootId, status.BootedAt, status.Restarts, status.HeartbeatAt,
        Math.Round((time.GetUtcNow() - DateTimeOffset.Parse(status.HeartbeatAt, CultureInfo.InvariantCulture)).TotalSeconds, 1),
        status.Generation, status.State, null);

}
