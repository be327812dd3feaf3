using System.Text;
using System.Text.Json;
using NetVirt.Cni.Protocol;

namespace NetVirt.Cni;

/// <summary>Writes CNI results, errors and version reports in the shape of the configuration's spec version.</summary>
public static class CniResultWriter
{
    /// <summary>
    /// The ADD result: <paramref name="prevResult"/>'s interfaces, addresses and routes (a chained plugin's, passed
    /// through as the spec asks) followed by NetVirt's, whose interface indices move past the previous ones.
    /// </summary>
    public static string Result(string version, AttachmentResult result, JsonElement? dns, JsonElement? prevResult)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("cniVersion", version);
            var offset = 0;
            w.WriteStartArray("interfaces");
            if (Array(prevResult, "interfaces") is { } previousInterfaces)
            {
                foreach (var item in previousInterfaces.EnumerateArray())
                {
                    item.WriteTo(w);
                    offset++;
                }
            }

            foreach (var item in result.Interfaces)
            {
                w.WriteStartObject();
                w.WriteString("name", item.Name);
                if (item.Mac is not null)
                {
                    w.WriteString("mac", item.Mac);
                }

                if (item.Mtu is { } mtu && CniVersions.HasInterfaceMtu(version))
                {
                    w.WriteNumber("mtu", mtu);
                }

                if (item.Sandbox is not null)
                {
                    w.WriteString("sandbox", item.Sandbox);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("ips");
            if (Array(prevResult, "ips") is { } previousIps)
            {
                foreach (var item in previousIps.EnumerateArray())
                {
                    item.WriteTo(w);
                }
            }

            foreach (var ip in result.Ips)
            {
                w.WriteStartObject();
                if (CniVersions.HasIpVersionField(version))
                {
                    w.WriteString("version", ip.Address.Contains(':', StringComparison.Ordinal) ? "6" : "4");
                }

                w.WriteString("address", ip.Address);
                if (ip.Gateway is not null)
                {
                    w.WriteString("gateway", ip.Gateway);
                }

                w.WriteNumber("interface", ip.Interface + offset);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("routes");
            if (Array(prevResult, "routes") is { } previousRoutes)
            {
                foreach (var item in previousRoutes.EnumerateArray())
                {
                    item.WriteTo(w);
                }
            }

            foreach (var route in result.Routes)
            {
                w.WriteStartObject();
                w.WriteString("dst", route.Dst);
                if (route.Gw is not null)
                {
                    w.WriteString("gw", route.Gw);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            var resultDns = dns ?? (prevResult is { } prev && prev.TryGetProperty("dns", out var prevDns) && prevDns.ValueKind == JsonValueKind.Object ? prevDns : null);
            if (resultDns is { } d)
            {
                w.WritePropertyName("dns");
                d.WriteTo(w);
            }

            w.WriteEndObject();
        });
    }

    /// <summary>The error object (printed on stdout with a non-zero exit).</summary>
    public static string Error(string version, int code, string message, string? details) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("cniVersion", version);
        w.WriteNumber("code", code);
        w.WriteString("msg", message);
        if (details is not null)
        {
            w.WriteString("details", details);
        }

        w.WriteEndObject();
    });

    /// <summary>The VERSION report.</summary>
    public static string Version() => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("cniVersion", CniVersions.Latest);
        w.WriteStartArray("supportedVersions");
        foreach (var v in CniVersions.Supported)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static JsonElement? Array(JsonElement? parent, string key) =>
        parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Array ? value : null;

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
