using NetVirt.Backends.Execution;
using NetVirt.Store;

namespace NetVirt.Reconciliation.Auditing;

/// <summary>How <c>apply --verify</c> rolled back.</summary>
/// <param name="Undo">The undo run of the applied steps, or null when the apply ran no step.</param>
/// <param name="PreviousGeneration">Generation of the desired state that was restored.</param>
/// <param name="Restored">The store write that restored it (a new generation when anything changed).</param>
/// <param name="Reconcile">The apply run that brought the host back to it, or null when nothing was left to do.</param>
public sealed record VerifyRollback(ApplyReport? Undo, long PreviousGeneration, WriteOutcome Restored, ApplyReport? Reconcile)
{
    /// <summary>True when every step of the rollback succeeded.</summary>
    public bool Succeeded => (Undo?.Succeeded ?? true) && (Reconcile?.Succeeded ?? true);
}
