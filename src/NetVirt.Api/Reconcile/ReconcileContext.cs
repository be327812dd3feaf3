using NetVirt.Reconciliation;
using NetVirt.Store;

namespace NetVirt.Api.Reconcile;

/// <summary>What a reconcile job works with: the store, the reconciler for the server's host, and the service (to queue follow-ups).</summary>
/// <param name="Store">The store.</param>
/// <param name="Reconciler">The reconciler over the server's backend.</param>
/// <param name="Service">The service running the job.</param>
/// <param name="RunId">The id of the run (for files a job writes, so runs never share them).</param>
public sealed record ReconcileContext(NetVirtStore Store, Reconciler Reconciler, ReconcileService Service, long RunId);
