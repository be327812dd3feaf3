namespace NetVirt.Api.Reconcile;

/// <summary>Whether the server reconciles the host by itself.</summary>
public enum ReconcileMode
{
    /// <summary>Apply whenever the desired state changes (and repair drift found by a resync).</summary>
    Auto,

    /// <summary>Store writes only; the host changes only on an explicit <c>POST /apply</c>.</summary>
    Off,
}
