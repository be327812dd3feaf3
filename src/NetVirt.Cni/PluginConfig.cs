using System.Text.Json;
using NetVirt.Cni.Protocol;

namespace NetVirt.Cni;

/// <summary>
/// The plugin's configuration as the runtime sends it on stdin: the <c>netvirt</c> entry of a conflist with the list's
/// <c>cniVersion</c> and <c>name</c>, the capabilities the runtime fills in (<c>runtimeConfig</c>), and
/// <c>prevResult</c> when another plugin ran first.
/// </summary>
public sealed record PluginConfig
{
    /// <summary>The plugin type NetVirt's conflists name.</summary>
    public const string PluginType = "netvirt";

    /// <summary>
    /// The most a configuration on stdin may hold (1 MiB): a real one is a few hundred bytes; a larger one would be
    /// parsed, held and echoed (its <c>dns</c>) for nothing.
    /// </summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Keys of the plugin entry NetVirt understands; any other is an error, not silently ignored.</summary>
    public static IReadOnlyList<string> KnownKeys { get; } =
    [
        "cniVersion", "cniVersions", "name", "type", "network", "socket", "dns", "args", "capabilities", "runtimeConfig", "prevResult",
        "cni.dev/valid-attachments", "cni.dev/attachments",
    ];

    /// <summary>Capabilities NetVirt honours in <c>runtimeConfig</c>.</summary>
    public static IReadOnlyList<string> Capabilities { get; } = ["ips", "mac", "bandwidth"];

    /// <summary>The spec version of the configuration.</summary>
    public required string CniVersion { get; init; }

    /// <summary>The CNI network name.</summary>
    public required string Name { get; init; }

    /// <summary>The NetVirt network or pool.</summary>
    public required string Network { get; init; }

    /// <summary>The daemon's socket; null means the default.</summary>
    public string? Socket { get; init; }

    /// <summary>The <c>dns</c> object, passed through to the result when set.</summary>
    public JsonElement? Dns { get; init; }

    /// <summary><c>runtimeConfig.ips</c>.</summary>
    public IReadOnlyList<string> Ips { get; init; } = [];

    /// <summary><c>runtimeConfig.mac</c>.</summary>
    public string? Mac { get; init; }

    /// <summary>The rate of <c>runtimeConfig.bandwidth</c> in bits per second.</summary>
    public long? MaxBandwidth { get; init; }

    /// <summary>The previous plugin's result (chained), in the configuration's version.</summary>
    public JsonElement? PrevResult { get; init; }

    /// <summary>GC's <c>cni.dev/valid-attachments</c>.</summary>
    public IReadOnlyList<AttachmentKey>? ValidAttachments { get; init; }

    /// <summary>
    /// Reads the configuration. Text that is not a JSON object, or keys of the wrong type, are code 6; a version NetVirt
    /// does not speak is code 1; anything else wrong (an unknown key, a missing network, an unsupported capability) is
    /// code 7, naming the key.
    /// </summary>
    public static PluginConfig Parse(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxBytes)
        {
            throw new CniException(CniErrorCode.InvalidConfig, $"the network configuration on stdin is larger than {MaxBytes} bytes", "a netvirt plugin entry is a few hundred bytes; is the right file on stdin?");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new CniException(CniErrorCode.DecodeFailure, "the network configuration on stdin is not valid JSON", ex.Message, ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CniException(CniErrorCode.DecodeFailure, $"the network configuration on stdin is a JSON {Describe(root.ValueKind)}, not an object");
            }

            foreach (var property in root.EnumerateObject())
            {
                if (!KnownKeys.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw new CniException(CniErrorCode.InvalidConfig,
                        $"unknown key '{property.Name}' in the netvirt plugin configuration",
                        $"netvirt reads: {string.Join(", ", KnownKeys)}. NetVirt is its own IPAM and bridge: 'ipam', 'bridge', 'ipMasq' and the like have no meaning here");
                }
            }

            var version = String(root, "cniVersion") ?? throw new CniException(CniErrorCode.InvalidConfig, "the network configuration has no 'cniVersion'");
            if (!CniVersions.IsSupported(version))
            {
                throw new CniException(CniErrorCode.IncompatibleVersion,
                    $"netvirt does not speak CNI version '{version}'", $"supported versions: {string.Join(", ", CniVersions.Supported)}");
            }

            var type = String(root, "type");
            if (type is not null && type != PluginType)
            {
                throw new CniException(CniErrorCode.InvalidConfig, $"the configuration's type is '{type}', not '{PluginType}'");
            }

            var name = String(root, "name") ?? throw new CniException(CniErrorCode.InvalidConfig, "the network configuration has no 'name'");
            var network = String(root, "network")
                ?? throw new CniException(CniErrorCode.InvalidConfig, "the netvirt plugin entry has no 'network' (the NetVirt network or pool to attach to)");
            var socket = String(root, "socket");
            if (socket is { Length: 0 } || socket is not null && socket[0] != '/')
            {
                throw new CniException(CniErrorCode.InvalidConfig, $"'socket' must be an absolute path (it is '{socket}')");
            }

            var config = new PluginConfig
            {
                CniVersion = version,
                Name = name,
                Network = network,
                Socket = socket,
                Dns = Object(root, "dns")?.Clone(),
                PrevResult = Object(root, "prevResult")?.Clone(),
                ValidAttachments = ReadAttachments(root),
            };
            return Object(root, "runtimeConfig") is { } runtime ? WithRuntimeConfig(config, runtime) : config;
        }
    }

    /// <summary>
    /// The supported <c>cniVersion</c> a configuration declares at its top level, read without checking anything else,
    /// or null: an error found before (or while) the configuration is parsed is still answered in the runtime's version.
    /// </summary>
    public static string? DeclaredVersion(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxBytes)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("cniVersion"u8))
                {
                    reader.Read();
                    var version = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    return CniVersions.IsSupported(version) ? version : null;
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static PluginConfig WithRuntimeConfig(PluginConfig config, JsonElement runtime)
    {
        var ips = new List<string>();
        string? mac = null;
        long? maxbw = null;
        foreach (var property in runtime.EnumerateObject())
        {
            switch (property.Name)
            {
                case "ips":
                    if (property.Value.ValueKind != JsonValueKind.Array)
                    {
                        throw WrongType("runtimeConfig.ips", "an array of strings", property.Value);
                    }

                    foreach (var ip in property.Value.EnumerateArray())
                    {
                        ips.Add(ip.ValueKind == JsonValueKind.String ? ip.GetString()! : throw WrongType("runtimeConfig.ips[]", "a string", ip));
                    }

                    break;
                case "mac":
                    mac = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw WrongType("runtimeConfig.mac", "a string", property.Value);
                    break;
                case "bandwidth":
                    maxbw = ReadBandwidth(property.Value);
                    break;
                default:
                    throw new CniException(CniErrorCode.InvalidConfig,
                        $"runtimeConfig '{property.Name}' is not supported by netvirt",
                        $"netvirt honours the capabilities {string.Join(", ", Capabilities)}; remove '{property.Name}' from the plugin's capabilities " +
                        "(port mappings belong to a chained plugin such as 'portmap', which NetVirt does not audit)");
            }
        }

        return config with { Ips = ips, Mac = string.IsNullOrEmpty(mac) ? null : mac, MaxBandwidth = maxbw };
    }

    // NetVirt's maxbw limits both directions to one rate (tc on the host end, as dladm's maxbw), so the two rates must be
    // given and equal. Bursts are accepted (Kubernetes always sends them) and NetVirt sizes the bucket itself.
    private static long? ReadBandwidth(JsonElement bandwidth)
    {
        if (bandwidth.ValueKind != JsonValueKind.Object)
        {
            throw WrongType("runtimeConfig.bandwidth", "an object", bandwidth);
        }

        long? ingress = null;
        long? egress = null;
        foreach (var property in bandwidth.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number)
            {
                throw WrongType($"runtimeConfig.bandwidth.{property.Name}", "a non-negative integer", property.Value);
            }

            if (!property.Value.TryGetInt64(out var value) || value < 0)
            {
                // A number, but negative, fractional or past what a rate in bits per second can be.
                throw new CniException(CniErrorCode.DecodeFailure,
                    $"'runtimeConfig.bandwidth.{property.Name}' must be a whole number of bits per second from 0 to {long.MaxValue}, not {property.Value.GetRawText()}");
            }

            switch (property.Name)
            {
                case "ingressRate": ingress = value; break;
                case "egressRate": egress = value; break;
                case "ingressBurst" or "egressBurst": break;
                default:
                    throw new CniException(CniErrorCode.InvalidConfig, $"unknown key 'runtimeConfig.bandwidth.{property.Name}' (expected ingressRate, ingressBurst, egressRate, egressBurst)");
            }
        }

        if (ingress is null && egress is null)
        {
            return null;
        }

        if (ingress != egress)
        {
            throw new CniException(CniErrorCode.InvalidConfig,
                $"runtimeConfig.bandwidth: ingressRate ({ingress?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset"}) and egressRate ({egress?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset"}) differ",
                "NetVirt's maxbw limits both directions to one rate, as Crossbow's does: give both rates, equal");
        }

        return ingress;
    }

    private static List<AttachmentKey>? ReadAttachments(JsonElement root)
    {
        if (!root.TryGetProperty("cni.dev/valid-attachments", out var list) && !root.TryGetProperty("cni.dev/attachments", out list))
        {
            return null;
        }

        if (list.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw WrongType("cni.dev/valid-attachments", "an array", list);
        }

        var result = new List<AttachmentKey>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("cni.dev/valid-attachments[]", "an object", item);
            }

            var id = String(item, "containerID") ?? throw new CniException(CniErrorCode.InvalidConfig, "an entry of cni.dev/valid-attachments has no 'containerID'");
            var ifname = String(item, "ifname") ?? throw new CniException(CniErrorCode.InvalidConfig, $"the entry of cni.dev/valid-attachments for '{id}' has no 'ifname'");
            result.Add(new AttachmentKey { ContainerId = id, Ifname = ifname });
        }

        return result;
    }

    private static string? String(JsonElement parent, string key)
    {
        if (!parent.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw WrongType(key, "a string", value);
    }

    private static JsonElement? Object(JsonElement parent, string key)
    {
        if (!parent.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw WrongType(key, "an object", value);
    }

    private static CniException WrongType(string key, string expected, JsonElement value) =>
        new(CniErrorCode.DecodeFailure, $"'{key}' must be {expected}, not a JSON {Describe(value.ValueKind)}");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
