using NetVirt.Model.Errors;
using NetVirt.Model.Spec;

namespace NetVirt.Store;

/// <summary>The result of one VNIC of <see cref="NetVirtStore.AddVnicsEach"/>: the name it got, or why it was refused.</summary>
/// <param name="Zone">The zone.</param>
/// <param name="Vnic">The VNIC's name when it was added.</param>
/// <param name="Error">Why it was not added (validation, conflict, exhausted network); nothing of it was stored.</param>
public sealed record VnicAddition(string Zone, string? Vnic, NetVirtException? Error)
{
    /// <summary>The generation the addition was stored at.</summary>
    public long? Generation { get; init; }

    /// <summary>The VNIC as stored, with its allocated MAC and addresses.</summary>
    public VnicSpec? Resolved { get; init; }

    /// <summary>The stored model without zones it was added against (to interpret <see cref="Resolved"/>: MTU, VLAN).</summary>
    public NetworkModel? Infrastructure { get; init; }
}
