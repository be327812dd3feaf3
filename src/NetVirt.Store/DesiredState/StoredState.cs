using NetVirt.Model.Collections;
using NetVirt.Model.Spec;
using NetVirt.Model.Topology;

namespace NetVirt.Store.DesiredState;

/// <summary>
/// The desired state as stored: <see cref="Authored"/> is what the user wrote (<c>auto</c> stays <c>auto</c>, so
/// export round-trips); <see cref="Resolved"/> has every MAC, pool choice and auto address filled in by IPAM, which is
/// what backends render.
/// </summary>
public sealed record StoredState(long Generation, NetworkModel Authored, NetworkModel Resolved)
{
    /// <summary>The VXLAN network identifier of each L2 domain of an etherstub (what joins it across hosts), by domain.</summary>
    public EquatableArray<DomainVni> Vnis { get; init; } = [];
}

/// <summary>The VNI of one L2 domain.</summary>
public sealed record DomainVni(L2Domain Domain, int Vni);
