using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NetVirt.Model.Spec;

namespace NetVirt.Documents;

/// <summary>
/// Writes a model as a NetVirt YAML document that <see cref="DocumentLoader"/> reads back into an equal model.
/// Keys come in a fixed order and unset values are left out, so exports diff cleanly.
/// </summary>
public static class DocumentWriter
{
    /// <summary>The model as YAML text.</summary>
    public static string Write(NetworkModel model)
    {
        var sb = new StringBuilder();
        Document(model).Emit(sb, 0);
        return sb.ToString();
    }

    /// <summary>The model as a JSON document with the same keys and values (what the API sends and accepts).</summary>
    public static JsonObject WriteJson(NetworkModel model) => (JsonObject)Document(model).ToJson();

    /// <summary>One host as it appears in a document's list.</summary>
    public static JsonObject ToJson(HostSpec host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return (JsonObject)WriteHost(host).ToJson();
    }

    /// <summary>One etherstub as it appears in a document's list.</summary>
    public static JsonObject ToJson(EtherstubSpec etherstub)
    {
        ArgumentNullException.ThrowIfNull(etherstub);
        return (JsonObject)WriteEtherstub(etherstub).ToJson();
    }

    /// <summary>One network as it appears in a document's list.</summary>
    public static JsonObject ToJson(NetworkSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return (JsonObject)WriteNetwork(network).ToJson();
    }

    /// <summary>One pool as it appears in a document's list.</summary>
    public static JsonObject ToJson(PoolSpec pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return (JsonObject)WritePool(pool).ToJson();
    }

    /// <summary>One zone as it appears in a document's list.</summary>
    public static JsonObject ToJson(ZoneSpec zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return (JsonObject)WriteZone(zone).ToJson();
    }

    /// <summary>One VNIC as it appears in a zone's list.</summary>
    public static JsonObject ToJson(VnicSpec vnic)
    {
        ArgumentNullException.ThrowIfNull(vnic);
        return (JsonObject)WriteVnic(vnic).ToJson();
    }

    private static YamlMap Document(NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var root = new YamlMap();
        root.Add("version", Raw(DocumentLoader.CurrentVersion));
        if (model.Settings.MacPrefix != ModelSettings.DefaultMacPrefix)
        {
            root.Add("settings", new YamlMap().Add("mac-prefix", Text(model.Settings.MacPrefix.ToString())));
        }

        AddList(root, "hosts", model.Hosts, WriteHost);
        AddList(root, "etherstubs", model.Etherstubs, WriteEtherstub);
        AddList(root, "links", model.Links, l => new YamlMap()
            .Add("name", Text(l.Name)).Add("mtu", Raw(l.Mtu)).Add("description", Text(l.Description)));
        AddList(root, "networks", model.Networks, WriteNetwork);
        AddList(root, "pools", model.Pools, WritePool);
        AddList(root, "zones", model.Zones, WriteZone);
        return root;
    }

    private static YamlMap WriteHost(HostSpec h)
    {
        var map = new YamlMap().Add("name", Text(h.Name)).Add("address", Text(h.Address.ToString()));
        if (!h.Labels.IsEmpty)
        {
            var labels = new YamlMap();
            foreach (var label in h.Labels)
            {
                labels.Add(label.Key, Text(label.Value));
            }

            map.Add("labels", labels);
        }

        return map.Add("description", Text(h.Description));
    }

    private static YamlMap WriteEtherstub(EtherstubSpec e) => new YamlMap()
        .Add("name", Text(e.Name)).Add("mtu", Raw(e.Mtu)).Add("description", Text(e.Description));

    private static YamlMap WritePool(PoolSpec p) => new YamlMap()
        .Add("name", Text(p.Name)).Add("networks", new YamlSeq(p.Networks.Select(n => (YamlValue)Text(n)!))).Add("description", Text(p.Description));

    private static YamlMap WriteNetwork(NetworkSpec n)
    {
        var map = new YamlMap()
            .Add("name", Text(n.Name))
            .Add("tenant", Text(n.Tenant))
            .Add("description", Text(n.Description))
            .Add("over", Text(n.Over))
            .Add("vlan", n.Vlan == 0 ? null : Raw(n.Vlan))
            .Add("mtu", Raw(n.Mtu))
            .Add("ipv4", n.Ipv4 is null ? null : WriteSubnet(n.Ipv4))
            .Add("ipv6", n.Ipv6 is null ? null : WriteSubnet(n.Ipv6));
        if (!n.Reserved.IsEmpty)
        {
            map.Add("reserved", new YamlSeq(n.Reserved.Select(r => (YamlValue)(r.First.Equals(r.Last)
                ? new YamlMap().Add("address", Text(r.First.ToString())).Add("note", Text(r.Note))
                : new YamlMap().Add("start", Text(r.First.ToString())).Add("end", Text(r.Last.ToString())).Add("note", Text(r.Note))))));
        }

        return map;
    }

    private static YamlMap WriteSubnet(SubnetSpec s)
    {
        var map = new YamlMap().Add("subnet", Text(s.Subnet.ToString())).Add("gateway", Text(s.Gateway?.ToString()));
        if (s.RangeStart is not null || s.RangeEnd is not null)
        {
            map.Add("range", new YamlMap().Add("start", Text(s.RangeStart?.ToString())).Add("end", Text(s.RangeEnd?.ToString())));
        }

        return map;
    }

    private static YamlMap WriteZone(ZoneSpec z)
    {
        var map = new YamlMap().Add("name", Text(z.Name)).Add("host", Text(z.Host)).Add("description", Text(z.Description));
        if (z.Routes is { } routes)
        {
            map.Add("routes", new YamlSeq(routes.Select(r => (YamlValue)new YamlMap()
                .Add("to", Text(r.IsDefault ? "default" : r.Destination.ToString()))
                .Add("via", Text(r.Gateway.ToString())))));
        }

        return map.Add("vnics", new YamlSeq(z.Vnics.Select(v => (YamlValue)WriteVnic(v))));
    }

    private static YamlMap WriteVnic(VnicSpec v)
    {
        var map = new YamlMap()
            .Add("name", Text(v.Name))
            .Add("network", Text(v.Network))
            .Add("pool", Text(v.Pool))
            .Add("over", Text(v.Over))
            .Add("vlan", Raw(v.Vlan))
            .Add("mac", Text(v.Mac?.ToString() ?? "auto"))
            .Add("mtu", Raw(v.Mtu))
            .Add("primary", v.Primary is { } p ? new YamlScalar(p ? "true" : "false", Quoted: false) : null)
            .Add("maxbw", Text(v.MaxBandwidth is { } bw ? SpecNames.FormatBandwidth(bw) : null))
            .Add("priority", Text(v.Priority is { } pr ? SpecNames.Format(pr) : null));
        if (v.Protection is { } protection)
        {
            map.Add("protection", new YamlSeq(SpecNames.Names(protection).Select(n => (YamlValue)Text(n)!)));
        }

        if (v.AllowedIps is { } allowed)
        {
            map.Add("allowed-ips", new YamlSeq(allowed.Select(a => (YamlValue)Text(a.ToString())!)));
        }

        return map.Add("addresses", new YamlSeq(v.Addresses.Select(a => (YamlValue)new YamlMap()
            .Add("tag", Text(a.Tag))
            .Add("type", a.Type == AddressType.Static ? null : Text(SpecNames.Format(a.Type)))
            .Add("family", a.Family is { } f && a.Address is null ? Text(SpecNames.Format(f)) : null)
            .Add("address", a.Type != AddressType.Static ? null
                : Text(a.Address is null ? "auto" : a.PrefixLength is { } plen ? $"{a.Address}/{plen}" : a.Address.ToString())))));
    }

    private static void AddList<T>(YamlMap root, string key, IReadOnlyList<T> items, Func<T, YamlMap> write)
    {
        if (items.Count > 0)
        {
            root.Add(key, new YamlSeq(items.Select(i => (YamlValue)write(i))));
        }
    }

    private static YamlScalar? Text(string? value) => value is null ? null : new YamlScalar(value, Quoted: NeedsQuotes(value));

    private static YamlScalar? Raw(int? value) => value is { } v ? new YamlScalar(v.ToString(CultureInfo.InvariantCulture), Quoted: false) : null;

    /// <summary>
    /// Plain scalars are used only for words that cannot be read as anything else: no ':' (MACs, IPv6, YAML 1.1
    /// sexagesimal numbers), no leading indicator, and not a number, boolean or null.
    /// </summary>
    private static bool NeedsQuotes(string value) =>
        value.Length == 0
        || value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ' '))
        || value[0] is '-' or ' ' || value[^1] == ' '
        || double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || value.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n" or "null" or "~";

    private abstract record YamlValue
    {
        public abstract void Emit(StringBuilder sb, int indent);

        /// <summary>The same value as JSON: plain numbers and booleans keep their type, everything else is text.</summary>
        public abstract JsonNode ToJson();
    }

    private sealed record YamlScalar(string Value, bool Quoted) : YamlValue
    {
        public override void Emit(StringBuilder sb, int indent) => sb.Append(Quoted ? Quote(Value) : Value).Append('\n');

        public override JsonNode ToJson() => Quoted ? JsonValue.Create(Value)
            : long.TryParse(Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number)
            : Value is "true" or "false" ? JsonValue.Create(Value == "true")
            : JsonValue.Create(Value);

        private static string Quote(string value)
        {
            var sb = new StringBuilder("\"");
            foreach (var c in value)
            {
                sb.Append(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\n' => "\\n",
                    '\t' => "\\t",
                    _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                    _ => c.ToString(),
                });
            }

            return sb.Append('"').ToString();
        }
    }

    private sealed record YamlSeq(IEnumerable<YamlValue> Items) : YamlValue
    {
        public override JsonNode ToJson() => new JsonArray([.. Items.Select(i => i.ToJson())]);

        public override void Emit(StringBuilder sb, int indent)
        {
            var items = Items.ToList();
            if (items.Count == 0)
            {
                sb.Append("[]\n");
                return;
            }

            sb.Append('\n');
            foreach (var item in items)
            {
                sb.Append(' ', indent).Append("- ");
                if (item is YamlMap map)
                {
                    map.Emit(sb, indent + 2, inline: true);
                }
                else
                {
                    item.Emit(sb, indent + 2);
                }
            }
        }
    }

    private sealed record YamlMap : YamlValue
    {
        private readonly List<(string Key, YamlValue Value)> _entries = [];

        public YamlMap Add(string key, YamlValue? value)
        {
            if (value is not null)
            {
                _entries.Add((key, value));
            }

            return this;
        }

        public override void Emit(StringBuilder sb, int indent) => Emit(sb, indent, inline: false);

        public override JsonNode ToJson()
        {
            var obj = new JsonObject();
            foreach (var (key, value) in _entries)
            {
                obj[key] = value.ToJson();
            }

            return obj;
        }

        /// <summary>With <paramref name="inline"/>, the first key continues the current line (after "- ").</summary>
        public void Emit(StringBuilder sb, int indent, bool inline)
        {
            if (_entries.Count == 0)
            {
                sb.Append("{}\n");
                return;
            }

            var first = true;
            foreach (var (key, value) in _entries)
            {
                if (!(first && inline))
                {
                    if (value is YamlMap or YamlSeq && indent == 0 && !first)
                    {
                        sb.Append('\n');
                    }

                    sb.Append(' ', indent);
                }

                first = false;
                sb.Append(key).Append(':');
                if (value is YamlMap nested)
                {
                    sb.Append('\n');
                    nested.Emit(sb, indent + 2, inline: false);
                }
                else if (value is YamlSeq seq)
                {
                    if (!seq.Items.Any())
                    {
                        sb.Append(' ');
                    }

                    seq.Emit(sb, indent + 2);
                }
                else
                {
                    sb.Append(' ');
                    value.Emit(sb, indent + 2);
                }
            }
        }
    }
}
