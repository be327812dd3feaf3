using System.Collections;
using System.Collections.Immutable;

namespace NetVirt.Planning.Resources;

/// <summary>
/// The managed properties of a host object as normalised strings, sorted by name and compared by value. Backends
/// normalise both sides (desired and observed) before they meet here: MACs with zero padding, bandwidth in bits per
/// second, lists in a canonical order; so the planner compares plain strings.
/// </summary>
public sealed class PropertyBag : IEquatable<PropertyBag>, IEnumerable<KeyValuePair<string, string>>
{
    private readonly ImmutableSortedDictionary<string, string> _values;

    private PropertyBag(ImmutableSortedDictionary<string, string> values) => _values = values;

    /// <summary>A bag without properties.</summary>
    public static PropertyBag Empty { get; } = new(ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal));

    /// <summary>Number of properties.</summary>
    public int Count => _values.Count;

    /// <summary>Property names in order.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>The value of <paramref name="name"/>, or null when absent.</summary>
    public string? this[string name] => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>Creates a bag from name/value pairs; later duplicates win.</summary>
    public static PropertyBag Of(params (string Name, string? Value)[] properties)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in properties)
        {
            builder[name] = value ?? "";
        }

        return new PropertyBag(builder.ToImmutable());
    }

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public PropertyBag With(string name, string? value) => new(_values.SetItem(name, value ?? ""));

    /// <inheritdoc />
    public bool Equals(PropertyBag? other) =>
        other is not null && _values.Count == other._values.Count
        && _values.All(kv => other._values.TryGetValue(kv.Key, out var v) && string.Equals(v, kv.Value, StringComparison.Ordinal));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PropertyBag);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (k, v) in _values)
        {
            hash.Add(k, StringComparer.Ordinal);
            hash.Add(v, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", _values.Select(kv => $"{kv.Key}={kv.Value}"));
}
