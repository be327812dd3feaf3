using NetVirt.Audit.Probes;
using NetVirt.Audit.Runs;
using NetVirt.Audit.Verdicts;
using NetVirt.Backends.Execution;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Store.DesiredState;

namespace NetVirt.Reconciliation.Auditing;

/// <summary>
/// <c>apply --verify</c>: audit the host before the run (the baseline), apply, audit again, and keep the result unless
/// the run introduced an isolation breach (LEAK, SPOOF_PASSED, VLAN_HOP) that the baseline did not have. Then roll the
/// run back: undo its host steps (the executor's compensations), restore the previous desired state in the store, and
/// reconcile once more so that what the undo cannot bring back (objects the run deleted) is recreated and store and
/// host agree again. Breaches that were there before the run are reported and never rolled back: undoing this run
/// would not remove them, and it would throw away a change that did nothing wrong. Like netplan's <c>try</c>, but
/// judged by packets instead of a timeout. A BLACKHOLE alone is reported and kept: it denies service, it exposes no
/// tenant.
/// </summary>
public sealed class VerifiedApply(Reconciler reconciler, NetVirtStore store, Func<CancellationToken, Task<AuditResult>> audit)
{
    /// <summary>
    /// Audits the host as it is, before the run stores or applies anything. When no audit can run (nothing applied
    /// yet, namespaces missing, no zones) there is no baseline, and every breach after the run counts as the run's.
    /// </summary>
    public async Task<VerifyBaseline> BaselineAsync(CancellationToken cancellationToken)
    {
        try
        {
            return new VerifyBaseline(await audit(cancellationToken).ConfigureAwait(false), null);
        }
        catch (AuditPreconditionException ex)
        {
            return new VerifyBaseline(null, ex.Message);
        }
    }

    /// <summary>
    /// Applies the stored desired state, audits it, and rolls back to <paramref name="previous"/> when the audit finds a
    /// breach that <paramref name="baseline"/> did not have.
    /// </summary>
    /// <param name="previous">The desired state before this apply stored its documents.</param>
    /// <param name="baseline">The audit before the run (<see cref="BaselineAsync"/>).</param>
    /// <param name="target">Host target (for validating the restored state).</param>
    /// <param name="options">Apply options.</param>
    /// <param name="approve">Approval of the plan, as for a plain apply.</param>
    /// <param name="cancellationToken">Cancels the apply and the audit; a rollback, once started, runs to its end.</param>
    public async Task<VerifiedApplyOutcome> RunAsync(
        StoredState previous, VerifyBaseline baseline, HostTarget target, ApplyOptions options, Func<PlanResult, bool>? approve, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(options);
        var (plan, report) = await reconciler.ApplyAsync(options, approve, cancellationToken).ConfigureAwait(false);
        var refused = report is null && (!plan.Plan.Problems.IsEmpty || (!plan.Plan.Steps.IsEmpty && approve is not null));
        if (refused || report is { Succeeded: false })
        {
            return new VerifiedApplyOutcome(plan, report, null, null) { Baseline = baseline };
        }

        var result = await audit(cancellationToken).ConfigureAwait(false);
        var before = baseline.Audit is { } earlier ? earlier.Findings.Where(f => FindingKinds.BreaksIsolation(f.Kind)).Select(f => Key(earlier, f)).ToHashSet() : [];
        var breaches = result.Findings.Where(f => FindingKinds.BreaksIsolation(f.Kind)).ToList();
        var introduced = breaches.Where(f => !before.Contains(Key(result, f))).ToList();
        var preExisting = breaches.Where(f => before.Contains(Key(result, f))).ToList();
        if (introduced.Count == 0)
        {
            return new VerifiedApplyOutcome(plan, report, result, null) { Baseline = baseline, PreExisting = preExisting };
        }

        // Roll back. Not cancellable: stopping half-way would leave a state nobody planned.
        var undo = report is null ? null : await reconciler.UndoAsync(report, $"verify: undo run {report.RunId}", CancellationToken.None).ConfigureAwait(false);
        var restored = store.Restore(previous, target);
        var (_, reapply) = await reconciler.ApplyAsync(options with { Trigger = "verify: restore previous desired state" }, null, CancellationToken.None).ConfigureAwait(false);
        return new VerifiedApplyOutcome(plan, report, result, new VerifyRollback(undo, previous.Generation, restored, reapply))
        {
            Baseline = baseline,
            Introduced = introduced,
            PreExisting = preExisting,
        };
    }

    /// <summary>
    /// A breach as the same breach in two audits: kind, probe and the endpoints by name (zone/vnic), since the endpoint
    /// indices of two audits of different desired states differ.
    /// </summary>
    private static (FindingKind, ProbeKind, string, string) Key(AuditResult audit, AuditFinding finding)
    {
        var endpoints = audit.Topology.Endpoints;
        return (finding.Kind, finding.Probe, endpoints[finding.Source].Name, finding.Receiver >= 0 ? endpoints[finding.Receiver].Name : "");
    }
}

/// <summary>The audit before an <c>apply --verify</c> run, or why there is none.</summary>
/// <param name="Audit">The audit of the host before the run, or null.</param>
/// <param name="Unavailable">Why no audit could run before the run (nothing applied yet, namespaces missing), or null.</param>
public sealed record VerifyBaseline(AuditResult? Audit, string? Unavailable);
