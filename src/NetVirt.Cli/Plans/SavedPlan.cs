using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetVirt.Model.Errors;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;
using NetVirt.Reconciliation;

namespace NetVirt.Cli.Plans;

/// <summary>
/// A plan saved by <c>netvirt plan --out FILE</c> for <c>netvirt apply FILE</c>, as Terraform's saved plans: it records
/// what it was computed from (the desired-state generation, a digest of the host objects that state needs and a
/// digest of the host as observed) and the plan itself. Applying re-observes the host under the apply lock and runs
/// only when all three still match, so what runs is exactly what was reviewed; otherwise it is refused and nothing
/// changes. The planner is a pure function of desired and observed state, so equal inputs give the saved steps.
/// </summary>
public sealed record SavedPlan
{
    /// <summary>File format version.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Format version of this file.</summary>
    public required int Version { get; init; }

    /// <summary>When the plan was made.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>The database it was planned from (for messages).</summary>
    public required string Database { get; init; }

    /// <summary>The host target.</summary>
    public required string Target { get; init; }

    /// <summary>The ownership prefix.</summary>
    public required string Prefix { get; init; }

    /// <summary>The desired-state generation planned for.</summary>
    public required long Generation { get; init; }

    /// <summary>SHA-256 of the host objects the desired state needs.</summary>
    public required string DesiredDigest { get; init; }

    /// <summary>SHA-256 of the host as observed.</summary>
    public required string ObservedDigest { get; init; }

    /// <summary>Number of host objects observed (for messages).</summary>
    public required int ObservedObjects { get; init; }

    /// <summary>The plan (plan JSON, with each step's commands).</summary>
    public required JsonObject Plan { get; init; }

    /// <summary>The saved form of <paramref name="plan"/>.</summary>
    public static SavedPlan From(PlanResult plan, string prefix, string database, Func<PlanStep, IReadOnlyList<string>> commands, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new SavedPlan
        {
            Version = CurrentVersion,
            Created = now,
            Database = database,
            Target = plan.Target,
            Prefix = prefix,
            Generation = plan.Generation,
            DesiredDigest = Digest(plan.Desired),
            ObservedDigest = Digest(plan.Observed),
            ObservedObjects = plan.Observed.Resources.Count,
            Plan = JsonNode.Parse(PlanJson.ToJson(plan.Plan, commands))!.AsObject(),
        };
    }

    /// <summary>
    /// Why this plan must not run on a host where <paramref name="now"/> was just planned, or null when it still
    /// applies: same target and prefix, same generation, same desired objects, same observed host, same steps.
    /// </summary>
    public string? Refusal(PlanResult now, string prefix)
    {
        ArgumentNullException.ThrowIfNull(now);
        const string Again = "; make a new one with 'netvirt plan --out FILE' and review it";
        if (!string.Equals(now.Target, Target, StringComparison.Ordinal) || !string.Equals(prefix, Prefix, StringComparison.Ordinal))
        {
            return $"the plan is for target {Target} with prefix '{Prefix}', this apply is for target {now.Target} with prefix '{prefix}'";
        }

        if (now.Generation != Generation)
        {
            return $"the desired state moved from generation {Generation} (planned from {Database}) to generation {now.Generation}" + Again;
        }

        if (Digest(now.Desired) != DesiredDigest)
        {
            return $"the desired state of generation {now.Generation} is not the one planned (another database than {Database}?)" + Again;
        }

        if (Digest(now.Observed) != ObservedDigest)
        {
            return $"the host changed since the plan was made at {Created.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)} ({ObservedObjects} objects observed then, {now.Observed.Resources.Count} now)" + Again;
        }

        var steps = JsonNode.Parse(PlanJson.ToJson(now.Plan))!["steps"]!.ToJsonString();
        var saved = JsonNode.Parse(PlanJson.ToJson(PlanJson.Read(Plan.ToJsonString()).Plan))!["steps"]!.ToJsonString();
        return steps == saved ? null : "planning the same state and host again gave other steps (the plan file was edited?)" + Again;
    }

    /// <summary>Writes the file (replacing it whole, so a reader never sees half of one).</summary>
    public void Write(string path)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json) + "\n");
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Reads a saved plan; a clear error for a file that is not one.</summary>
    public static SavedPlan Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"cannot read the saved plan '{path}': {ex.Message}");
        }

        SavedPlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<SavedPlan>(text, Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException($"'{path}' is not a plan saved by 'netvirt plan --out' ({ex.Message}); to apply documents use 'netvirt apply -f {path}'");
        }

        return plan is { Version: CurrentVersion }
            ? plan
            : throw new InvalidInputException($"'{path}' is not a plan saved by this netvirt (format version {plan?.Version.ToString(CultureInfo.InvariantCulture) ?? "none"}, expected {CurrentVersion})");
    }

    /// <summary>SHA-256 (hex) of host objects in a canonical order and form.</summary>
    public static string Digest(HostState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var text = new StringBuilder();
        foreach (var r in state.Resources.OrderBy(r => r.Kind.Name, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            text.Append(r.Kind.Name).Append('\t').Append(r.Name).Append('\t').Append(r.Zone).Append('\t').Append(r.Owned ? '1' : '0');
            foreach (var dependency in r.DependsOn.Select(d => d.ToString()).Order(StringComparer.Ordinal))
            {
                text.Append('\t').Append(dependency);
            }

            foreach (var property in r.Properties)
            {
                text.Append('\t').Append(property.Key).Append('=').Append(property.Value);
            }

            text.Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static readonly JsonSerializerOptions Json = new(Api.ApiJson.Options) { WriteIndented = true };
}
