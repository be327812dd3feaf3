using System.Text.Json;
using NetVirt.Model.Collections;
using NetVirt.Model.Spec;

namespace NetVirt.Store.DesiredState;

/// <summary>A container's labels as stored: a JSON object of strings, names in order.</summary>
internal static class ContainerLabels
{
    public static EquatableArray<LabelSpec> Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject()
            .Select(p => new LabelSpec(p.Name, p.Value.GetString() ?? ""))
            .OrderBy(l => l.Name, StringComparer.Ordinal)
            .ToEquatableArray();
    }

    public static string Format(IEnumerable<LabelSpec> labels)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var label in labels.OrderBy(l => l.Name, StringComparer.Ordinal))
            {
                writer.WriteString(label.Name, label.Value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
