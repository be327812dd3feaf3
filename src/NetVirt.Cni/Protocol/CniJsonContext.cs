using System.Text.Json.Serialization;

namespace NetVirt.Cni.Protocol;

/// <summary>Source-generated JSON for the plugin–daemon protocol (no reflection: the plugin is compiled ahead of time).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AttachmentRequest))]
[JsonSerializable(typeof(AttachmentResult))]
[JsonSerializable(typeof(DaemonError))]
public sealed partial class CniJsonContext : JsonSerializerContext;
