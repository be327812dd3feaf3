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
    /// Removes the host side of interface <paramref name="ifname"/> of <paramref name="zone"/>: its host end (and with it
    /// the container end), its protection entries and shaping. Succeeds when they are already gone, also when the
    /// container's namespace no longer exists.
    /// </summary>
    Task DetachAsync(NetworkModel infrastructure, ZoneSpec zone, string ifname, CancellationToken cancellationToken);

    /// <summary>
    /// What differs between the host and the stored attachment (an empty list when it is as stored): missing interface,
    /// other MAC, missing address or route, host end on another bridge, protection entries missing.
    /// </summary>
    Task<IReadOnlyList<string>> CheckAsync(NetworkModel infrastructure, ZoneSpec zone, string ifname, CancellationToken cancellationToken);
}
