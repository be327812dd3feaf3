using System.Globalization;
using Dapper;
using NetVirt.Model.Errors;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Store.Engines;

namespace NetVirt.Store.Journal;

/// <summary>
/// The apply journal in SQLite: every run with the generation it applied and its plan, every step (apply and
/// rollback) with commands, exit codes, stderr and durations, and how the run ended. A run left <c>running</c> by a
/// process that died (kill -9, power loss) is marked <c>interrupted</c> when the next apply or destroy of the database
/// starts (<see cref="MarkInterrupted"/>, under the apply lock), whether or not that one has anything to do; until
/// then the history already shows it as interrupted once its process is gone.
/// </summary>
public sealed class JournalStore(NetVirtDatabase database, TimeProvider time) : IApplyJournal
{
    /// <inheritdoc />
    public Task<long> BeginRunAsync(RunStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var planJson = PlanJson.ToJson(start.Plan, indented: false);
        var id = database.Write((c, tx) =>
        {
            MarkRunning(c, tx, onlyDeadProcesses: true);
            return c.ExecuteScalar<long>(
                """
                INSERT INTO apply_runs (generation, target, trigger, pid, started_at, outcome, plan_summary, plan_json)
                VALUES (@generation, @target, @trigger, @pid, @now, 'running', @summary, @planJson) RETURNING id
                """,
                new { generation = start.Generation, target = start.Target, trigger = start.Trigger, pid = Environment.ProcessId, now = Now(), summary = start.Plan.Summary.ToString(), planJson },
                tx);
        }, "record the start of an apply run", StoreLock.None);
        return Task.FromResult(id);
    }

    /// <summary>
    /// Marks every run still recorded as <c>running</c> as <c>interrupted</c>. The caller holds the database's apply
    /// lock, which the kernel releases when its holder dies: no run of this database can still be going on. Returns
    /// how many runs were marked.
    /// </summary>
    public int MarkInterrupted() => database.Write((c, tx) => MarkRunning(c, tx, onlyDeadProcesses: false), "mark interrupted apply runs");

    private int MarkRunning(System.Data.IDbConnection c, System.Data.IDbTransaction tx, bool onlyDeadProcesses)
    {
        var marked = 0;
        foreach (var (runId, pid) in c.Query<(long, long)>("SELECT id, pid FROM apply_runs WHERE outcome = 'running'", transaction: tx).ToList())
        {
            if (!onlyDeadProcesses || !ProcessExists(pid))
            {
                marked += c.Execute($"UPDATE apply_runs SET outcome = 'interrupted', finished_at = @now, error = '{InterruptedError}' WHERE id = @runId",
                    new { now = Now(), runId }, tx);
            }
        }

        return marked;
    }

    /// <inheritdoc />
    public Task RecordStepsAsync(long runId, IReadOnlyList<StepExecution> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
        {
            return Task.CompletedTask;
        }

        database.Write((c, tx) =>
        {
            var seq = c.ExecuteScalar<long>("SELECT coalesce(max(seq), 0) FROM apply_steps WHERE run_id = @runId", new { runId }, tx);

            // One prepared statement for the whole batch (PreparedCommands): an apply of a thousand zones records thousands
            // of steps, and binding a fresh command per row costs more than the insert itself.
            using var commands = new PreparedCommands(c, tx);
            foreach (var s in steps)
            {
                var failed = s.Commands.LastOrDefault(cmd => cmd.ExitCode != 0);
                var last = failed ?? s.Commands.LastOrDefault();
                commands.Execute(
                    """
                    INSERT INTO apply_steps (run_id, seq, step_index, phase, action, kind, name, reason, commands, exit_code, stderr, duration_ms, outcome, error)
                    VALUES (@runId, @seq, @index, @phase, @action, @kind, @name, @reason, @commands, @exitCode, @stderr, @duration, @outcome, @error)
                    """,
                    ("@runId", runId),
                    ("@seq", ++seq),
                    ("@index", (long)s.Step.Index),
                    ("@phase", s.Phase == StepPhase.Apply ? "apply" : "rollback"),
                    ("@action", PlanJson.Name(s.Step.Action)),
                    ("@kind", s.Step.Resource.Kind.Name),
                    ("@name", s.Step.Resource.Name),
                    ("@reason", s.Step.Reason),
                    ("@commands", string.Join('\n', s.Commands.Select(cmd => cmd.ToString()))),
                    ("@exitCode", last is null ? null : (long)last.ExitCode),
                    ("@stderr", string.Join('\n', s.Commands.Select(cmd => cmd.Stderr).Where(e => !string.IsNullOrWhiteSpace(e)))),
                    ("@duration", s.Duration.TotalMilliseconds),
                    ("@outcome", OutcomeName(s.Outcome)),
                    ("@error", s.Error));
            }

            return 0;
        }, "record apply steps", StoreLock.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task EndRunAsync(long runId, RunOutcome outcome, string? error, CancellationToken cancellationToken)
    {
        database.Write((c, tx) => c.Execute("UPDATE apply_runs SET outcome = @outcome, error = @error, finished_at = @now WHERE id = @runId",
            new { outcome = OutcomeName(outcome), error, now = Now(), runId }, tx), "record the end of an apply run", StoreLock.None);
        return Task.CompletedTask;
    }

    /// <summary>The most recent runs, newest first.</summary>
    public IReadOnlyList<RunRecord> Runs(int limit = 20) => database.Read((c, tx) =>
    {
        var runs = c.Query<RunRecord>(
            """
            SELECT id AS Id, generation AS Generation, target AS Target, trigger AS Trigger, started_at AS StartedAt, finished_at AS FinishedAt,
                   outcome AS Outcome, error AS Error, plan_summary AS PlanSummary
            FROM apply_runs ORDER BY id DESC LIMIT @limit
            """, new { limit }, tx).ToList();
        var running = RunningPids(c, tx);
        return runs.Select(r => AsSeen(r, running)).ToList();
    }, "read the apply history");

    /// <summary>One run with its plan, or an error naming the missing run.</summary>
    public RunRecord Run(long id) => database.Read((c, tx) =>
    {
        // The plan is not a constructor parameter of RunRecord, so Dapper cannot map it in the same row: read it apart.
        var record = c.QuerySingleOrDefault<RunRecord>(
            """
            SELECT id AS Id, generation AS Generation, target AS Target, trigger AS Trigger, started_at AS StartedAt, finished_at AS FinishedAt,
                   outcome AS Outcome, error AS Error, plan_summary AS PlanSummary
            FROM apply_runs WHERE id = @id
            """, new { id }, tx);
        return record is null
            ? null
            : AsSeen(record, RunningPids(c, tx)) with { PlanJson = c.ExecuteScalar<string>("SELECT plan_json FROM apply_runs WHERE id = @id", new { id }, tx)! };
    }, "read an apply run") ?? throw new UnknownObjectException($"there is no apply run {id}; 'netvirt history' lists the runs");

    /// <summary>The steps of a run, in the order they ran.</summary>
    public IReadOnlyList<StepRecord> Steps(long runId) => database.Read((c, tx) => c.Query<StepRecord>(
        """
        SELECT seq AS Seq, step_index AS StepIndex, phase AS Phase, action AS Action, kind AS Kind, name AS Name, reason AS Reason,
               commands AS Commands, exit_code AS ExitCode, stderr AS Stderr, duration_ms AS DurationMs, outcome AS Outcome, error AS Error
        FROM apply_steps WHERE run_id = @runId ORDER BY seq
        """, new { runId }, tx).ToList(), "read apply steps");

    /// <summary>Journal name of a run outcome.</summary>
    public static string OutcomeName(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Running => "running",
        RunOutcome.Succeeded => "succeeded",
        RunOutcome.RolledBack => "rolled-back",
        RunOutcome.Failed => "failed",
        RunOutcome.Cancelled => "cancelled",
        _ => "partially-applied",
    };

    /// <summary>Journal name of a step outcome.</summary>
    public static string OutcomeName(StepOutcome outcome) => outcome switch
    {
        StepOutcome.Succeeded => "succeeded",
        StepOutcome.Failed => "failed",
        StepOutcome.Skipped => "skipped",
        StepOutcome.Cancelled => "cancelled",
        _ => "rolled-back",
    };

    private static Dictionary<long, long> RunningPids(System.Data.IDbConnection c, System.Data.IDbTransaction tx) =>
        c.Query<(long Id, long Pid)>("SELECT id, pid FROM apply_runs WHERE outcome = 'running'", transaction: tx).ToDictionary(r => r.Id, r => r.Pid);

    // A run whose process is gone reads as interrupted even before the next apply marks it so.
    private static RunRecord AsSeen(RunRecord run, Dictionary<long, long> runningPids) =>
        runningPids.TryGetValue(run.Id, out var pid) && !ProcessExists(pid) ? run with { Outcome = "interrupted", Error = InterruptedError } : run;

    private const string InterruptedError = "the process running this apply ended before it finished";

    private static bool ProcessExists(long pid) => pid == Environment.ProcessId || Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");

    private string Now() => Timestamps.Now(time);
}
