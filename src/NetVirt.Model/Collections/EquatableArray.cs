using System.Collections.Immutable;

namespace NetVirt.Model.Collections;

/// <summary>Factory methods for <see cref="EquatableArray{T}"/> (also used by collection expressions).</summary>
public static class EquatableArray
{
    /// <summary>Creates an array from a span (collection expression builder).</summary>
    public static EquatableArray<T> Create<T>(ReadOnlySpan<T> items) => new([.. items]);

    /// <summary>Creates an array from a sequence.</summary>
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) => new([.. items]);
}
