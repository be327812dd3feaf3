using Dapper;
using NetVirt.Model.Errors;
using NetVirt.Store.Engines;

namespace NetVirt.Store.Hosts;

/// <summary>
/// What each host's agent last reported: who it is (agent id, kept in the agent's state directory), which run of it
/// (boot id, new at every start, so a restart is said and counted, never guessed from timing), its heartbeat, the
/// generation it converged to, its state and the report (JSON). A report never touches the desired state or its
/// generation, and never waits for desired-state writers.
/// </summary>
public sealed class HostReports(NetVirtDatabase database, TimeProvider time)
{
    /// <summary>
    /// How long a host stays bound to the agent that last reported for it: another agent (another agent id) reporting
    /// for the same host within this time is refused, so two machines started with the same <c>--host</c> do not both
    /// reconcile its slice. The agent that holds the host may report at any time, and after this much silence any agent may take over.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>Records a report from the agent of <paramref name="host"/>; returns the status as stored.</summary>
    public HostStatus Report(string host, HostReportInput report)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(report);
        var now = time.GetUtcNow();
        var nowText = Timestamps.Now(time);
        return database.Write((c, tx) =>
        {
            if (c.ExecuteScalar<long>("SELECT count(*) FROM hosts WHERE name = @host", new { host }, tx) == 0)
            {
                throw new UnknownObjectException($"host '{host}' is not in the desired state; declare it under 'hosts' (name and underlay address) before starting its agent");
            }

            // Row lock on this host's report (PostgreSQL): two agents reporting at once are decided one after the other.
            var before = c.QuerySingleOrDefault<HostStatus>($"{Select} WHERE host = @host{(database.Engine == StoreEngine.PostgreSql ? " FOR UPDATE" : "")}", new { host }, tx);
            if (before is not null && before.AgentId != report.AgentId && now - DateTimeOffset.Parse(before.HeartbeatAt, System.Globalization.CultureInfo.InvariantCulture) < Lease)
            {
                throw new ConcurrencyConflictException(
                    $"host '{host}' is served by agent {before.AgentId} (last heartbeat {before.HeartbeatAt}); agent {report.AgentId} may not report for it too. " +
                    $"Stop the other agent (or wait {Lease.TotalSeconds:0} s after it stopped): two agents must never reconcile one host");
            }

            var restarted = before is not null && before.BootId != report.BootId;
            c.Execute(
                """
                INSERT INTO host_reports (host, agent_id, boot_id, booted_at, restarts, heartbeat_at, generation, state, report)
                VALUES (@host, @agentId, @bootId, @now, 0, @now, @generation, @state, @report)
                ON CONFLICT (host) DO UPDATE SET agent_id = excluded.agent_id, boot_id = excluded.boot_id,
                    booted_at = CASE WHEN @restarted THEN excluded.booted_at ELSE host_reports.booted_at END,
                    restarts = host_reports.restarts + CASE WHEN @restarted THEN 1 ELSE 0 END,
                    heartbeat_at = excluded.heartbeat_at, generation = excluded.generation, state = excluded.state, report = excluded.report
                """,
                new { host, agentId = report.AgentId, bootId = report.BootId, now = nowText, generation = report.Generation, state = report.State, report = report.Json, restarted }, tx);
            return c.QuerySingle<HostStatus>($"{Select} WHERE host = @host", new { host }, tx);
        }, $"record the report of host '{host}'", StoreLock.None);
    }

    /// <summary>The last report of every host that has one.</summary>
    public IReadOnlyList<HostStatus> All() =>
        database.Read((c, tx) => c.Query<HostStatus>($"{Select} ORDER BY host", transaction: tx).ToList(), "read host reports");

    /// <summary>The last report of <paramref name="host"/>, or null.</summary>
    public HostStatus? Of(string host) =>
        database.Read((c, tx) => c.QuerySingleOrDefault<HostStatus>($"{Select} WHERE host = @host", new { host }, tx), $"read the report of host '{host}'");

    private const string Select =
        """
        SELECT host AS Host, agent_id AS AgentId, boot_id AS BootId, booted_at AS BootedAt, restarts AS Restarts, heartbeat_at AS HeartbeatAt,
               generation AS Generation, state AS State, report AS Report
        FROM host_reports
        """;
}

/// <summary>What an agent reports.</summary>
/// <param name="AgentId">The agent's id (kept in its state directory across restarts).</param>
/// <param name="BootId">This run of the agent (new at every start).</param>
/// <param name="Generation">The desired-state generation the host was last brought to, if any.</param>
/// <param name="State"><c>converged</c>, <c>applying</c>, <c>failed</c>, <c>drift</c> or <c>starting</c>.</param>
/// <param name="Json">The report: drift, observed objects, last run, error (JSON object).</param>
public sealed record HostReportInput(string AgentId, string BootId, long? Generation, string State, string Json);

/// <summary>A host's last report as stored.</summary>
public sealed record HostStatus(string Host, string AgentId, string BootId, string BootedAt, long Restarts, string HeartbeatAt, long? Generation, string State, string Report);
