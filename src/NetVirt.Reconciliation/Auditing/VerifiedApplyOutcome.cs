using NetVirt.Audit.Verdicts;
using NetVirt.Backends.Execution;

namespace NetVirt.Reconciliation.Auditing;

/// <summary>What <c>apply --verify</c> did.</summary>
/// <param name="Plan">The plan of the apply.</param>
/// <param name="Apply">The apply run, or null when nothing ran (empty plan, refused, or blocking problems).</param>
/// <param name="Audit">The audit, or null when the apply did not succeed (then there was nothing to verify).</param>
/// <param name="Rollback">The rollback, or null when the result was kept.</param>
public sealed record VerifiedApplyOutcome(PlanResult Plan, ApplyReport? Apply, AuditResult? Audit, VerifyRollback? Rollback)
{
    /// <summary>True when the audit passed and the applied state stays.</summary>
    public bool Kept => Audit is not null && Rollback is null;
}
