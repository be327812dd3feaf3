using System.Collections.Immutable;

namespace NetVirt.Backends.Illumos.Parsing;

/// <summary>
/// The requested properties of one link from <c>dladm show-linkprop -c -o link,property,value -p zone,...</c>:
/// raw VALUE strings (not yet normalised) by lowercase property name, and the zone holding the link
/// (<c>global</c> when the <c>zone</c> property is empty).
/// </summary>
public sealed record LinkPropertiesObserved(string Link, string Zone, ImmutableSortedDictionary<string, string> Values)
{
    /// <summary>The raw value of <paramref name="property"/>, or null when it was not listed.</summary>
    public string? this[string property] => Values.TryGetValue(property, out var v) ? v : null;
}
