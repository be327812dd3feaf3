using NetVirt.Audit.Topology;
using NetVirt.Model.Addressing;

namespace NetVirt.Audit.Runs;

/// <summary>
/// What an audit reads from the host besides frames: which zone namespaces exist, and which addresses each VNIC has
/// configured inside its zone, and which ports sit on NetVirt's bridges. Read only; <see cref="LinuxAuditHost"/> is the real one, tests use fakes.
/// </summary>
public interface IAuditHost
{
    /// <summary>The namespaces of <paramref name="topology"/> that do not exist on the host.</summary>
    IReadOnlyList<string> MissingNamespaces(AuditTopology topology);

    /// <summary>The addresses configured on each endpoint's interface, by endpoint index.</summary>
    IReadOnlyDictionary<int, IReadOnlyList<InterfaceAddress>> ConfiguredAddresses(AuditTopology topology);

    /// <summary>
    /// The ports on NetVirt's bridges (<see cref="AuditTopology.Bridges"/>) that the desired state does not put there:
    /// what explains a leak between two domains. Bridges that do not exist are skipped.
    /// </summary>
    IReadOnlyList<BridgePort> UnexpectedBridgePorts(AuditTopology topology);

    /// <summary>
    /// The bridges, in the audit's own (the host's) namespace, that zones' frames enter: each one the VNICs' host ends
    /// and the routers' legs sit on, and NetVirt's bridges of <see cref="AuditTopology.Bridges"/> that exist. The audit
    /// captures on each (not promiscuous, so it sees just what the bridge delivers to the host's own stack) and reports
    /// every probe seen there as HOST_REACHED. Empty where the host's side is out of sight (the default, and across hosts).
    /// </summary>
    IReadOnlyList<string> HostBridges(AuditTopology topology) => [];

    /// <summary>
    /// The bridge each endpoint's host end is a port of, by endpoint index, where the host shows it (empty where it is
    /// out of sight). A stratified audit orders each class's ring by it (<see cref="AuditClasses.For"/>).
    /// </summary>
    IReadOnlyDictionary<int, string> PortBridges(AuditTopology topology) => new Dictionary<int, string>();

    /// <summary>
    /// The most neighbour entries (ARP, or IPv6 neighbour discovery, whichever is lower) the kernel keeps for all
    /// namespaces of the host together, or null when not known. Past it the kernel refuses new entries, and zones and
    /// routers stop answering peers they have not met: an audit larger than it sees losses that are the host's.
    /// </summary>
    int? NeighbourTableLimit => null;

    /// <summary>Memory this host can give a process without swapping (MemAvailable), in bytes, or null when not known.</summary>
    long? AvailableMemory => null;
}
