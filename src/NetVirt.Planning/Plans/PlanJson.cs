using System.Text;
using System.Text.Json;
using NetVirt.Planning.Resources;

namespace NetVirt.Planning.Plans;

/// <summary>
/// The plan as JSON, one shape for <c>netvirt plan --output json</c>, the API and the journal:
/// <c>{"summary": {...}, "disrupts": [...], "problems": [...], "otherDeployments": [{"id", "objects", "examples"}] (when
/// any), "steps": [{"index", "action", "change", "kind",
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
        if (!plan.OtherDeployments.IsEmpty)
        {
            writer.WriteStartArray("otherDeployments");
            foreach (var other in plan.OtherDeployments)
            {
                writer.WriteStartObject();
                writer.WriteString("id", other.Id);
                writer.WriteNumber("objects", other.Objects);
                writer.WriteStartArray("examples");
                foreach (var example in other.Examples)
                {
                    writer.WriteStringValue(example);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

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
        // Sized for the plan up front (a step takes some 300-600 bytes): a 1,000-zone plan is megabytes, and growing the
        // buffer by doubling copied it over and over.
        using var stream = new MemoryStream(capacity: 1024 + (plan.Steps.Count * 512));
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, plan, commands);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>
    /// Reads a plan written by <see cref="Write"/> (from the API or the journal) back into a <see cref="Plan"/>, with
    /// each step's command lines by step index. Resource kinds come back by name only (rank and mutability belong to
    /// the backend that planned): enough to show, print and count the plan, not to execute it.
    /// </summary>
    public static (Plan Plan, IReadOnlyDictionary<int, IReadOnlyList<string>> Commands) Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var commands = new Dictionary<int, IReadOnlyList<string>>();
        var steps = new List<PlanStep>();
        foreach (var s in root.GetProperty("steps").EnumerateArray())
        {
            var index = s.GetProperty("index").GetInt32();
            var properties = s.TryGetProperty("properties", out var props)
                ? PropertyBag.Of([.. props.EnumerateObject().Select(p => (p.Name, p.Value.GetString()))])
                : PropertyBag.Empty;
            steps.Add(new PlanStep
            {
                Index = index,
                Action = Enum.Parse<StepAction>(s.GetProperty("action").GetString()!, ignoreCase: true),
                Change = Enum.Parse<ChangeKind>(s.GetProperty("change").GetString()!, ignoreCase: true),
                Resource = new HostResource
                {
                    Kind = ResourceKind.Create(s.GetProperty("kind").GetString()!, 0, []),
                    Name = s.GetProperty("name").GetString()!,
                    Zone = s.TryGetProperty("zone", out var zone) ? zone.GetString() : null,
                    Properties = properties,
                },
                Reason = s.GetProperty("reason").GetString()!,
                Disrupts = s.TryGetProperty("disrupts", out var disrupts) ? disrupts.GetString() : null,
                Changes = [.. s.GetProperty("changes").EnumerateArray().Select(c =>
                    new PropertyChange(c.GetProperty("property").GetString()!, c.GetProperty("from").GetString(), c.GetProperty("to").GetString()))],
            });
            if (s.TryGetProperty("commands", out var lines))
            {
                commands[index] = [.. lines.EnumerateArray().Select(l => l.GetString()!)];
            }
        }

        var problems = root.GetProperty("problems").EnumerateArray()
            .Select(p => new PlanProblem(p.GetProperty("subject").GetString()!, p.GetProperty("message").GetString()!));
        var others = root.TryGetProperty("otherDeployments", out var o)
            ? o.EnumerateArray().Select(d => new OtherDeployment(d.GetProperty("id").GetString()!, d.GetProperty("objects").GetInt32(), [.. d.GetProperty("examples").EnumerateArray().Select(e => e.GetString()!)]))
            : [];
        return (new Plan { Steps = [.. steps], Problems = [.. problems], OtherDeployments = [.. others] }, commands);
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
