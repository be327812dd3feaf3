using NetVirt.Audit.Topology;
using NetVirt.Model.Addressing;

namespace NetVirt.Audit.Runs;

/// <summary>
/// What an audit reads from the host besides frames: which zone namespaces exist, and which addresses each VNIC has
/// configured inside its zone. Read only; <see cref="LinuxAuditHost"/> is the real one, tests use fakes.
/// </summary>
public interface IAuditHost
{
    /// <summary>The namespaces of <paramref name="topology"/> that do not exist on the host.</summary>
    IReadOnlyList<string> MissingNamespaces(AuditTopology topology);

    /// <summary>The addresses configured on each endpoint's interface, by endpoint index.</summary>
    IReadOnlyDictionary<int, IReadOnlyList<InterfaceAddress>> ConfiguredAddresses(AuditTopology topology);
}
