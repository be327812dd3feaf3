using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NetVirt.Tests.Documents;

/// <summary>
/// The part of JSON Schema 2020-12 that netvirt.schema.json uses: type, properties, required,
/// additionalProperties false, enum, pattern, minimum/maximum, minLength/maxLength, minItems, items, $ref into
/// $defs, oneOf and anyOf. No schema validator package is available here, and this much is enough to hold the
/// schema to the samples.
/// </summary>
public static class JsonSchemaSubset
{
    public static IReadOnlyList<string> Validate(JsonNode schema, JsonNode? instance)
    {
        var errors = new List<string>();
        Check(schema, schema, instance, "$", errors);
        return errors;
    }

    private static void Check(JsonNode root, JsonNode schema, JsonNode? value, string path, List<string> errors)
    {
        if (schema["$ref"] is JsonValue reference)
        {
            var name = reference.GetValue<string>().Replace("#/$defs/", "", StringComparison.Ordinal);
            Check(root, root["$defs"]![name]!, value, path, errors);
        }

        if (schema["type"] is { } type)
        {
            var types = type is JsonArray a ? a.Select(t => t!.GetValue<string>()).ToList() : [type.GetValue<string>()];
            if (!types.Any(t => IsType(value, t)))
            {
                errors.Add($"{path}: expected {string.Join(" or ", types)}, got {Describe(value)}");
                return;
            }
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(e => JsonNode.DeepEquals(e, value)))
        {
            errors.Add($"{path}: {Describe(value)} is not one of {allowed.ToJsonString()}");
        }

        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var text = v.GetValue<string>();
            if (schema["pattern"] is { } pattern && !Regex.IsMatch(text, pattern.GetValue<string>()))
            {
                errors.Add($"{path}: '{text}' does not match {pattern}");
            }

            if (schema["maxLength"] is { } max && text.Length > max.GetValue<int>())
            {
                errors.Add($"{path}: '{text}' is longer than {max}");
            }

            if (schema["minLength"] is { } min && text.Length < min.GetValue<int>())
            {
                errors.Add($"{path}: '{text}' is shorter than {min}");
            }
        }

        if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number)
        {
            var n = double.Parse(number.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
            if (schema["minimum"] is { } lo && n < lo.GetValue<double>())
            {
                errors.Add($"{path}: {n} is below {lo}");
            }

            if (schema["maximum"] is { } hi && n > hi.GetValue<double>())
            {
                errors.Add($"{path}: {n} is above {hi}");
            }
        }

        if (value is JsonObject obj)
        {
            var properties = schema["properties"] as JsonObject;
            foreach (var (key, child) in obj)
            {
                if (properties?[key] is { } propertySchema)
                {
                    Check(root, propertySchema, child, $"{path}.{key}", errors);
                }
                else if (schema["additionalProperties"] is JsonValue ap && !ap.GetValue<bool>())
                {
                    errors.Add($"{path}: unknown property '{key}'");
                }
            }

            if (schema["required"] is JsonArray required)
            {
                foreach (var name in required.Select(r => r!.GetValue<string>()).Where(r => !obj.ContainsKey(r)))
                {
                    errors.Add($"{path}: missing required property '{name}'");
                }
            }
        }

        if (value is JsonArray array)
        {
            if (schema["minItems"] is { } minItems && array.Count < minItems.GetValue<int>())
            {
                errors.Add($"{path}: fewer than {minItems} items");
            }

            if (schema["items"] is { } items)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    Check(root, items, array[i], $"{path}[{i}]", errors);
                }
            }
        }

        if (schema["oneOf"] is JsonArray oneOf && oneOf.Count(s => Validates(root, s!, value, path)) != 1)
        {
            errors.Add($"{path}: must match exactly one of {oneOf.Count} alternatives");
        }

        if (schema["anyOf"] is JsonArray anyOf && !anyOf.Any(s => Validates(root, s!, value, path)))
        {
            errors.Add($"{path}: matches none of {anyOf.Count} alternatives");
        }
    }

    private static bool Validates(JsonNode root, JsonNode schema, JsonNode? value, string path)
    {
        var errors = new List<string>();
        Check(root, schema, value, path, errors);
        return errors.Count == 0;
    }

    private static bool IsType(JsonNode? value, string type) => (value, type) switch
    {
        (JsonObject, "object") => true,
        (JsonArray, "array") => true,
        (JsonValue v, "string") => v.GetValueKind() == JsonValueKind.String,
        (JsonValue v, "integer") => v.GetValueKind() == JsonValueKind.Number && !v.ToJsonString().Contains('.', StringComparison.Ordinal),
        (JsonValue v, "boolean") => v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        (null, "null") => true,
        _ => false,
    };

    private static string Describe(JsonNode? value) => value?.ToJsonString() ?? "null";
}
