using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetVirt.Api;

/// <summary>JSON as the API (and <c>netvirt --output json</c>) writes it: kebab-case keys as in documents, enums as kebab-case words, nulls left out.</summary>
public static class ApiJson
{
    /// <summary>The options.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies NetVirt's conventions to <paramref name="options"/>.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.Converters.Add(new Views.UInt128JsonConverter());
        return options;
    }
}
