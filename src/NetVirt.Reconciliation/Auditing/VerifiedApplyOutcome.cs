using NetVirt.Audit.Verdicts;
using NetVirt.Backends.Execution;

namespace NetVirt.Reconciliation.Auditing;

/// <summary>What <c>apply --verify</c> did.</summary>
/// <param name="Plan">The plan of the apply.</param>
/// <param name="Apply">The apply run, or null when nothing ran (empty plan, refused, or blocking problems).</param>
/// <param name="Audit">The audit after the run, or null when the apply did not succeed (then there was nothing to verify).</param>
/// <param name="Rollback">The rollback, or null when the result was kept.</param>
public sealed record VerifiedApplyOutcome(PlanResult Plan, ApplyReport? Apply, AuditResult? Audit, VerifyRollback? Rollback)
{
    /// <summary>The audit before the run.</summary>
    public VerifyBaseline? Baseline { get; init; }

    /// <summary>Isolation breaches of <see cref="Audit"/> that the baseline did not have: the run's, and why it was rolled back.</summary>
    public IReadOnlyList<AuditFinding> Introduced { get; init; } = [];

    /// <summary>Isolation breaches of <see cref="Audit"/> that the baseline had too: reported, never rolled back.</summary>
    public IReadOnlyList<AuditFinding> PreExisting { get; init; } = [];

    /// <summary>True when the audit ran and the applied state stays.</summary>
    public bool Kept => Audit is not null && Rollback is null;
}
