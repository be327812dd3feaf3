using NetVirt.Model.Topology;

namespace NetVirt.Audit.Topology;

/// <summary>
/// A port found on one of NetVirt's bridges that the desired state does not put there, as observation reported it.
/// </summary>
/// <param name="Name">Interface name of the port (host namespace).</param>
/// <param name="Bridge">The bridge it sits on.</param>
/// <param name="Domain">The L2 domain of that bridge.</param>
/// <param name="Index">Its interface index.</param>
/// <param name="PeerIndex">
/// The interface index of its other end for a veth (<c>iflink</c>), else its own index; two foreign ports that are each
/// other's peers are one veth pair joining two bridges.
/// </param>
public sealed record BridgePort(string Name, string Bridge, L2Domain Domain, int Index, int PeerIndex)
{
    /// <summary>True when <paramref name="other"/> is the other end of this port's veth pair.</summary>
    public bool IsPeerOf(BridgePort other) => other is not null && PeerIndex == other.Index && other.PeerIndex == Index && Index != PeerIndex;
}
