using NetVirt.Api.Reconcile;
using NetVirt.Model.Errors;

namespace NetVirt.Api.Errors;

/// <summary>A run that an endpoint waited for (a plan, a drift check) failed; sent as 502 with the run's error.</summary>
public sealed class ReconcileFailedException : NetVirtException
{
    /// <summary>Creates the exception for <paramref name="run"/>.</summary>
    public ReconcileFailedException(ReconcileRun run)
        : base($"{run?.Kind} run {run?.Id} failed: {run?.Result?.Error ?? run?.State.ToString()}")
    {
        Run = run!;
    }

    /// <summary>The failed run.</summary>
    public ReconcileRun Run { get; }
}
