using System.Collections.Frozen;

namespace NetVirt.Planning.Resources;

/// <summary>
/// A kind of host object in a backend's own words (illumos: <c>etherstub</c>, <c>vnic</c>, <c>addrobj</c>; Linux:
/// <c>netns</c>, <c>bridge</c>, <c>veth</c>, ...). Backends declare their kinds as static instances.
/// </summary>
/// <param name="Name">Kind name, unique within a backend.</param>
/// <param name="Rank">Dependency rank: creations run in ascending rank, deletions in descending rank.</param>
/// <param name="MutableProperties">Properties the host can change in place; a change to any other property is a
/// delete-and-recreate (for example the MAC or VLAN id of an illumos VNIC: there is no <c>modify-vnic</c>).</param>
/// <param name="DeletedWithParent">True when deleting a parent removes objects of this kind by itself (addresses
/// inside a deleted namespace), so the plan needs no step of its own for them.</param>
public sealed record ResourceKind(string Name, int Rank, FrozenSet<string> MutableProperties, bool DeletedWithParent = false)
{
    /// <summary>Creates a kind; <paramref name="mutableProperties"/> lists the properties that change in place.</summary>
    public static ResourceKind Create(string name, int rank, IEnumerable<string> mutableProperties, bool deletedWithParent = false) =>
        new(name, rank, mutableProperties.ToFrozenSet(StringComparer.Ordinal), deletedWithParent);

    /// <summary>Kinds are identified by name.</summary>
    public bool Equals(ResourceKind? other) => other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc />
    public override string ToString() => Name;
}
