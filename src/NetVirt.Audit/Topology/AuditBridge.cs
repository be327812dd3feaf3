using NetVirt.Model.Topology;

namespace NetVirt.Audit.Topology;

/// <summary>
/// A bridge NetVirt owns (one per L2 domain on an etherstub) and the ports the desired state puts on it: the host
/// ends of its VNICs' veth pairs and the legs of the routers of its networks. Any other port is not NetVirt's.
/// </summary>
/// <param name="Name">Bridge name in the host namespace.</param>
/// <param name="Domain">The L2 domain it realises.</param>
/// <param name="ExpectedPorts">Port names the desired state puts on it.</param>
public sealed record AuditBridge(string Name, L2Domain Domain, IReadOnlySet<string> ExpectedPorts);
