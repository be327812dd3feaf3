using System.Text;
using System.Text.Json;

namespace NetVirt.Cni;

/// <summary>The network configuration list NetVirt writes for one of its networks.</summary>
public static class CniConflist
{
    /// <summary>Where CNI runtimes look for plugins by default (containerd, CRI-O, Kubernetes).</summary>
    public const string DefaultPluginDir = "/opt/cni/bin";

    /// <summary>Where CNI runtimes read network configurations by default.</summary>
    public const string DefaultConfDir = "/etc/cni/net.d";

    /// <summary>The file name of the conflist of <paramref name="network"/> (runtimes read <c>*.conflist</c> in name order).</summary>
    public static string FileName(string network) => $"netvirt-{network}.conflist";

    /// <summary>
    /// The conflist of NetVirt network (or pool) <paramref name="network"/>: named like it, one <c>netvirt</c> plugin entry
    /// with the capabilities NetVirt honours (requested IPs and MAC, bandwidth), and the daemon's socket when it is not
    /// the plugin's default. Version 1.0.0 by default (<see cref="CniVersions.Default"/>).
    /// </summary>
    public static string Write(string network, string? socket = null, string version = CniVersions.Default)
    {
        ArgumentException.ThrowIfNullOrEmpty(network);
        if (!CniVersions.IsSupported(version))
        {
            throw new ArgumentException($"CNI version '{version}' is not one of {string.Join(", ", CniVersions.Supported)}", nameof(version));
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("cniVersion", version);
            w.WriteString("name", network);
            w.WriteStartArray("plugins");
            w.WriteStartObject();
            w.WriteString("type", PluginConfig.PluginType);
            w.WriteString("network", network);
            if (socket is not null)
            {
                w.WriteString("socket", socket);
            }

            w.WriteStartObject("capabilities");
            foreach (var capability in PluginConfig.Capabilities)
            {
                w.WriteBoolean(capability, true);
            }

            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
