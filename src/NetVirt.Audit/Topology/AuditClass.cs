namespace NetVirt.Audit.Topology;

/// <summary>
/// Endpoints the model treats alike (<see cref="AuditClasses"/>): one row and column of the audit's matrix. In a full
/// audit every endpoint is a class of its own.
/// </summary>
/// <param name="Index">Position in <see cref="AuditClasses.All"/>: the matrix row and column.</param>
/// <param name="Members">Endpoint indexes, in topology order; never empty.</param>
/// <param name="Key">What the members share, in words (domain, network, router, protection, routes, families).</param>
public sealed record AuditClass(int Index, IReadOnlyList<int> Members, string Key)
{
    /// <summary>The endpoint that stands for the class in probes between classes: its first member.</summary>
    public int Representative => Members[0];

    /// <summary>
    /// The member that the member at <paramref name="position"/> in <see cref="Members"/> probes inside its class: the one before it, the first probing the last, so every member sends to one peer and
    /// receives from one. -1 for a class of one.
    /// </summary>
    public int RingPeer(int position) => Members.Count < 2 ? -1 : Members[(position + Members.Count - 1) % Members.Count];
}
