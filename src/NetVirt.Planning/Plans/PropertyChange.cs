namespace NetVirt.Planning.Plans;

/// <summary>One property that differs: observed value <see cref="From"/>, desired value <see cref="To"/>.</summary>
public sealed record PropertyChange(string Property, string? From, string? To)
{
    /// <summary>The reverse change, used to undo an in-place update.</summary>
    public PropertyChange Reverse() => new(Property, To, From);

    /// <summary><c>vlan 100 → 200</c>.</summary>
    public override string ToString() => $"{Property} {Show(From)} → {Show(To)}";

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value;
}
