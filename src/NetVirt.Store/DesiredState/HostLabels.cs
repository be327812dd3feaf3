using System.Text.Json;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;

namespace NetVirt.Store.DesiredState;

/// <summary>A host's labels as the <c>hosts.labels</c> column holds them: JSON <c>[["key", "value"], …]</c>, in document order.</summary>
internal static class HostLabels
{
    public static string Format(EquatableArray<HostLabel> labels) => JsonSerializer.Serialize(labels.Select(l => new[] { l.Key, l.Value }));

    public static EquatableArray<HostLabel> Parse(string json) =>
        (JsonSerializer.Deserialize<string[][]>(json) ?? []).Select(pair => new HostLabel(pair[0], pair[1])).ToEquatableArray();
}
