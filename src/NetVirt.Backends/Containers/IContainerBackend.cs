using NetVirt.Model.Spec;

namespace NetVirt.Backends.Containers;

/// <summary>
/// What a backend that can host containers does for one CNI attachment, without a whole-host reconcile: realize it
/// (and whatever it needs that is missing: its network's switch, protection, its router's leg), remove its host side,
/// and compare it with the host. Every call touches the objects of that one attachment and its network only, never
/// the whole host, so its cost does not grow with the number of zones. The container's namespace is the runtime's:
/// it is entered by path and never created or deleted.
/// </summary>
public interface IContainerBackend
{
    /// <summary>
    /// Makes interface <paramref name="ifname"/> of the container zone <paramref name="zone"/> (resolved) real on the host:
    /// its veth with NetVirt's MAC, MTU, addresses and routes inside the container's namespace, the host end on its
    /// network's bridge, its protection set entries and shaping. Idempotent: what is already right stays.
    /// </summary>
    /// <param name="infrastructure">The stored model without zones (switches, networks, pools, settings).</param>
    /// <param name="zone">The container's zone with every VNIC it has.</param>
    /// <param name="ifname">The attachment's interface.</param>
    /// <param name="cancellationToken">Cancels between kernel requests.</param>
    Task<AttachmentRealization> AttachAsync(NetworkModel infrastructure, ZoneSpec zone, string ifname, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the host side of interface <paramref name="ifname"/> of <paramref name="zone"/> off the network and removes
    /// it: its host end (and with it the container end), its protection entries and shaping. What is slow to delete and
    /// already off the network may be left to <see cref="CollectDetachedAsync"/>. Succeeds when they are already gone,
    /// also when the container's namespace no longer exists.
    /// </summary>
    Task DetachAsync(NetworkModel infrastructure, ZoneSpec zone, string ifname, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes what detaches left for later (on Linux, the veth pairs whose host ends a DEL took down and off their
    /// bridges: deleting one costs the kernel about 20 ms of waiting). Called after the DEL has answered, under the same
    /// lock as a detach; returns at once when nothing is left.
    /// </summary>
    Task CollectDetachedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// What differs between the host and the stored attachment (an empty list when it is as stored): missing interface,
    /// other MAC, missing address or route, host end on another bridge, protection entries missing.
    /// </summary>
    Task<IReadOnlyList<string>> CheckAsync(NetworkModel infrastructure, ZoneSpec zone, string ifname, CancellationToken cancellationToken);
}
