namespace NetVirt.Api.Reconcile;

/// <summary>Where a reconcile run is in its life.</summary>
public enum ReconcileRunState
{
    /// <summary>Waiting for its turn (or for its debounce or backoff delay).</summary>
    Queued,

    /// <summary>Running now; only keyed runs (container attachments) run beside each other.</summary>
    Running,

    /// <summary>Finished and did what it was asked (an apply with nothing to do counts).</summary>
    Succeeded,

    /// <summary>Finished with an error, or its plan could not be applied.</summary>
    Failed,

    /// <summary>The server stopped before the run finished.</summary>
    Cancelled,
}
