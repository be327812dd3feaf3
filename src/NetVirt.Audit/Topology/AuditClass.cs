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

    private readonly IReadOnlyList<int>? ring;

    /// <summary>
    /// The members in the order they probe each other inside the class (<see cref="RingPeer"/>), the representative
    /// first: <see cref="Members"/> unless <see cref="AuditClasses.For"/> was told which bridge each member's port is on,
    /// and then the others grouped by bridge, so that ring neighbours share a bridge.
    /// </summary>
    public IReadOnlyList<int> Ring { get => ring ?? Members; init => ring = value; }

    /// <summary>
    /// Members probed by a ring neighbour on another bridge (the last of each bridge's run in <see cref="Ring"/>): their
    /// learning frame goes to every port, so that every bridge of a tree learns where they are and the probes from the
    /// other bridge do not flood the domain. Empty unless the ring was ordered by bridge.
    /// </summary>
    public IReadOnlySet<int> LearnedEverywhere { get; init; } = new HashSet<int>();

    /// <summary>
    /// The member that the member at <paramref name="position"/> in <see cref="Ring"/> probes inside its class: the one
    /// before it, the first probing the last, so every member sends to one peer and receives from one. -1 for a class of one.
    /// </summary>
    public int RingPeer(int position) => Ring.Count < 2 ? -1 : Before(Ring, position);

    /// <summary>The item before <paramref name="position"/> in <paramref name="ring"/>, the first's being the last: who probes whom in a ring.</summary>
    public static T Before<T>(IReadOnlyList<T> ring, int position)
    {
        ArgumentNullException.ThrowIfNull(ring);
        return ring[(position + ring.Count - 1) % ring.Count];
    }
}
