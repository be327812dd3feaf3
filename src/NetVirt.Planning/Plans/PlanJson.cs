using System.Text;
using System.Text.Json;
using NetVirt.Planning.Resources;

namespace NetVirt.Planning.Plans;

/// <summary>
/// The plan as JSON, one shape for <c>netvirt plan --output json</c>, the API and the journal:
/// <c>{"summary": {...}, "disrupts": [...], "problems": [...], "steps": [{"index", "action", "change", "kind",
/// "name", "zone", "reason", "changes": [{"property", "from", "to"}], "properties": {...}, "commands": [...]}]}</c>.
/// </summary>
public static class PlanJson
{
    /// <summary>Writes <paramref name="plan"/>; <paramref name="commands"/> adds each step's command lines when given.</summary>
    public static void Write(Utf8JsonWriter writer, Plan plan, Func<PlanStep, IReadOnlyList<string>>? commands = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(plan);
        var summary = plan.Summary;
        writer.WriteStartObject();
        writer.WriteStartObject("summary");
        writer.WriteNumber("create", summary.Create);
        writer.WriteNumber("change", summary.Change);
        writer.WriteNumber("replace", summary.Replace);
        writer.WriteNumber("delete", summary.Delete);
        writer.WriteEndObject();
        writer.WriteStartArray("disrupts");
        foreach (var zone in plan.DisruptedZones)
        {
            writer.WriteStringValue(zone);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("problems");
        foreach (var problem in plan.Problems)
        {
            writer.WriteStartObject();
            writer.WriteString("subject", problem.Subject);
            writer.WriteString("message", problem.Message);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("steps");
        foreach (var step in plan.Steps)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", step.Index);
            writer.WriteString("action", Name(step.Action));
            writer.WriteString("change", Name(step.Change));
            writer.WriteString("kind", step.Resource.Kind.Name);
            writer.WriteString("name", step.Resource.Name);
            if (step.Resource.Zone is { } zone)
            {
                writer.WriteString("zone", zone);
            }

            writer.WriteString("reason", step.Reason);
            if (step.Disrupts is { } disrupts)
            {
                writer.WriteString("disrupts", disrupts);
            }

            writer.WriteStartArray("changes");
            foreach (var change in step.Changes)
            {
                writer.WriteStartObject();
                writer.WriteString("property", change.Property);
                writer.WriteString("from", change.From);
                writer.WriteString("to", change.To);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            WriteProperties(writer, step.Resource.Properties);
            if (commands is not null)
            {
                writer.WriteStartArray("commands");
                foreach (var line in commands(step))
                {
                    writer.WriteStringValue(line);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The plan as an indented JSON string.</summary>
    public static string ToJson(Plan plan, Func<PlanStep, IReadOnlyList<string>>? commands = null, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, plan, commands);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Lowercase name of an action.</summary>
    public static string Name(StepAction action) => action.ToString().ToLowerInvariant();

    /// <summary>Lowercase name of a change kind.</summary>
    public static string Name(ChangeKind change) => change.ToString().ToLowerInvariant();

    private static void WriteProperties(Utf8JsonWriter writer, PropertyBag properties)
    {
        writer.WriteStartObject("properties");
        foreach (var (key, value) in properties)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }
}
