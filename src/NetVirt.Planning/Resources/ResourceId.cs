namespace NetVirt.Planning.Resources;

/// <summary>Identity of a host object: its kind and its name within the kind.</summary>
public sealed record ResourceId(string Kind, string Name) : IComparable<ResourceId>
{
    /// <inheritdoc />
    public int CompareTo(ResourceId? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byKind = string.CompareOrdinal(Kind, other.Kind);
        return byKind != 0 ? byKind : string.CompareOrdinal(Name, other.Name);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Name}";
}
