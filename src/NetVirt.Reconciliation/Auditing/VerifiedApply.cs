using NetVirt.Audit.Verdicts;
using NetVirt.Backends.Execution;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Store.DesiredState;

namespace NetVirt.Reconciliation.Auditing;

/// <summary>
/// <c>apply --verify</c>: apply, audit, and keep the result only if the audit finds no isolation breach (LEAK,
/// SPOOF_PASSED, VLAN_HOP). Otherwise roll the run back: undo its host steps (the executor's compensations), restore
/// the previous desired state in the store, and reconcile once more so that what the undo cannot bring back (objects
/// the run deleted) is recreated and store and host agree again. Like netplan's <c>try</c>, but judged by packets
/// instead of a timeout. A BLACKHOLE alone is reported and kept: it denies service, it exposes no tenant.
/// </summary>
public sealed class VerifiedApply(Reconciler reconciler, NetVirtStore store, Func<CancellationToken, Task<AuditResult>> audit)
{
    /// <summary>Applies the stored desired state, audits it, and rolls back to <paramref name="previous"/> on a breach.</summary>
    /// <param name="previous">The desired state before this apply stored its documents.</param>
    /// <param name="target">Host target (for validating the restored state).</param>
    /// <param name="options">Apply options.</param>
    /// <param name="approve">Approval of the plan, as for a plain apply.</param>
    /// <param name="cancellationToken">Cancels the apply and the audit; a rollback, once started, runs to its end.</param>
    public async Task<VerifiedApplyOutcome> RunAsync(StoredState previous, HostTarget target, ApplyOptions options, Func<PlanResult, bool>? approve, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(options);
        var (plan, report) = await reconciler.ApplyAsync(options, approve, cancellationToken).ConfigureAwait(false);
        var refused = report is null && (!plan.Plan.Problems.IsEmpty || (!plan.Plan.Steps.IsEmpty && approve is not null));
        if (refused || report is { Succeeded: false })
        {
            return new VerifiedApplyOutcome(plan, report, null, null);
        }

        var result = await audit(cancellationToken).ConfigureAwait(false);
        if (!result.BreaksIsolation)
        {
            return new VerifiedApplyOutcome(plan, report, result, null);
        }

        // Roll back. Not cancellable: stopping half-way would leave a state nobody planned.
        var undo = report is null ? null : await reconciler.UndoAsync(report, $"verify: undo run {report.RunId}", CancellationToken.None).ConfigureAwait(false);
        var restored = store.Restore(previous, target);
        var (_, reapply) = await reconciler.ApplyAsync(options with { Trigger = "verify: restore previous desired state" }, null, CancellationToken.None).ConfigureAwait(false);
        return new VerifiedApplyOutcome(plan, report, result, new VerifyRollback(undo, previous.Generation, restored, reapply));
    }
}
