using NetVirt.Api.Reconcile;
using NetVirt.Model.Errors;
using NetVirt.Model.Validation;
using NetVirt.Store;

namespace NetVirt.Api.Hosting;

/// <summary>
/// What every endpoint shares: the store, the target its writes are validated for, and the reconcile service. Writes
/// pass one at a time through an async gate, so concurrent requests queue here in order instead of spinning in
/// SQLite's busy handler (which sleeps in steps of milliseconds and would wreck tail latency); another process
/// writing the same file is still handled by the store's busy timeout and retries. A write that changed the
/// desired state nudges the reconcile service.
/// </summary>
public sealed class ApiState(NetVirtStore store, HostTarget target, ReconcileService reconcile, TimeSpan writeWait, Func<NetVirtStore, Reconciliation.Auditing.Auditor>? auditor = null)
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>The store.</summary>
    public NetVirtStore Store => store;

    /// <summary>This server process's instance id, new at every start: agents see a restart said, not guessed.</summary>
    public string ServerInstance { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The host target writes are validated for.</summary>
    public HostTarget Target => target;

    /// <summary>The reconcile service.</summary>
    public ReconcileService Reconcile => reconcile;

    /// <summary>
    /// The auditor of this host; throws <see cref="BackendUnavailableException"/> where no audit can run (not Linux,
    /// not root), which the API answers with a problem document before anything is queued.
    /// </summary>
    public Reconciliation.Auditing.Auditor NewAuditor() =>
        (auditor ?? throw new BackendUnavailableException("this server was started without an auditor"))(store);

    /// <summary>Where audit reports go: <c>serve --audit-dir</c>, else an <c>audits</c> folder next to the database (NetVirt's data directory for PostgreSQL).</summary>
    public string AuditReportRoot => AuditDirectory ?? Path.Combine(store.Database.Address.SideDirectory, "audits");

    /// <summary>The folder given with <c>serve --audit-dir</c>, or null.</summary>
    public string? AuditDirectory { get; init; }

    /// <summary>Runs <paramref name="write"/> alone among this server's writes; queues an automatic apply when it changed anything.</summary>
    public async Task<(T Result, ReconcileRun? Run)> WriteAsync<T>(Func<NetVirtStore, T> write, Func<T, WriteOutcome> outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(outcome);
        if (!await _writeGate.WaitAsync(writeWait, cancellationToken).ConfigureAwait(false))
        {
            throw new StoreBusyException($"the store is busy: no write slot within {writeWait.TotalSeconds:0.#} s; retry later");
        }

        T result;
        try
        {
            result = write(store);
        }
        finally
        {
            _writeGate.Release();
        }

        var written = outcome(result);
        return (result, written.Changed ? reconcile.DesiredStateChanged(written.Generation) : null);
    }

    /// <summary>Runs a write that returns its outcome.</summary>
    public async Task<(WriteOutcome Outcome, ReconcileRun? Run)> WriteAsync(Func<NetVirtStore, WriteOutcome> write, CancellationToken cancellationToken) =>
        await WriteAsync(write, o => o, cancellationToken).ConfigureAwait(false);
}
