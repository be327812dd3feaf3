using System.Globalization;
using System.Net;
using NetVirt.Model.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetVirt.Documents;

/// <summary>
/// Reads YAML nodes into values, reporting every problem with its path and recording where each path came from.
/// A value that cannot be read is reported and skipped (null), so one pass finds all errors.
/// </summary>
internal sealed class NodeReader(string source, List<ValidationError> errors, SourceMap map)
{
    public string Source => source;

    public void Locate(string path, YamlNode node) =>
        map.Add(path, new SourceLocation(source, (int)node.Start.Line, (int)node.Start.Column));

    public void Error(string path, string code, string message) => errors.Add(new ValidationError(path, code, message));

    /// <summary>
    /// The entries of a mapping, keyed by name. Unknown keys are reported with the nearest known key.
    /// Returns null (and reports) when the node is not a mapping.
    /// </summary>
    public Dictionary<string, YamlNode>? Mapping(YamlNode node, string path, string what, IReadOnlyCollection<string>? keys)
    {
        Locate(path, node);
        if (node is not YamlMappingNode mapping)
        {
            Error(path, "type.expected-mapping", $"{what} must be a mapping of keys to values, not {Describe(node)}");
            return null;
        }

        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var keyPath = Join(path, key);
            if (keys is not null && !keys.Contains(key))
            {
                var hint = Suggestions.Nearest(key, keys) is { } near ? $"; did you mean '{near}'?" : $"; expected one of: {string.Join(", ", keys)}";
                map.Add(keyPath, new SourceLocation(source, (int)keyNode.Start.Line, (int)keyNode.Start.Column));
                Error(keyPath, "key.unknown", $"unknown key '{key}' in {what}{hint}");
                continue;
            }

            if (!IsNull(valueNode))
            {
                result[key] = valueNode;
                Locate(keyPath, valueNode);
            }
        }

        return result;
    }

    /// <summary>The items of a sequence, or null (and reports) when the node is not one.</summary>
    public IReadOnlyList<YamlNode>? Sequence(YamlNode node, string path, string what)
    {
        Locate(path, node);
        if (node is YamlSequenceNode sequence)
        {
            return sequence.Children.ToList();
        }

        Error(path, "type.expected-list", $"{what} must be a list, not {Describe(node)}");
        return null;
    }

    public string? String(YamlNode node, string path, string what)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }

        Error(path, "type.expected-string", $"{what} must be a text value, not {Describe(node)}");
        return null;
    }

    public int? Integer(YamlNode node, string path, string what)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text }
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(path, "type.expected-integer", $"{what} must be an integer, not {Describe(node)}");
        return null;
    }

    public bool? Boolean(YamlNode node, string path, string what)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } scalar)
        {
            return scalar.Value == "true";
        }

        Error(path, "type.expected-boolean", $"{what} must be true or false, not {Describe(node)}");
        return null;
    }

    public IPAddress? Address(YamlNode node, string path, string what)
    {
        var text = String(node, path, what);
        if (text is null)
        {
            return null;
        }

        if (Model.Addressing.IpAddressMath.TryParsePlain(text, out var address))
        {
            return address;
        }

        Error(path, "value.invalid-address", $"{what} '{text}' is not an IPv4 or IPv6 address ({Model.Addressing.IpAddressMath.AddressFormHint})");
        return null;
    }

    /// <summary>A network prefix with zero host bits (<c>10.1.0.0/24</c>).</summary>
    public IPNetwork? Prefix(YamlNode node, string path, string what, bool acceptHostAddress = false)
    {
        var text = String(node, path, what);
        if (text is null)
        {
            return null;
        }

        // IPNetwork.TryParse quietly masks host bits (10.0.0.5/24 becomes 10.0.0.0/24) and reads 010 as octal; the
        // strict parser refuses both, and a user who wrote host bits most likely meant an interface address, so say so.
        if (Model.Addressing.IpAddressMath.TryParsePrefix(text, out var network, out var withHostBits))
        {
            return network;
        }

        if (acceptHostAddress && Model.Addressing.IpAddressMath.TryParsePlain(text, out var host))
        {
            return new IPNetwork(host, host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        if (withHostBits is { } written)
        {
            Error(path, "value.invalid-cidr", $"{what} '{text}' has host bits set; did you mean {written.Network}?");
            return null;
        }

        Error(path, "value.invalid-cidr", $"{what} '{text}' is not a CIDR prefix such as 10.1.0.0/24 or fd00:1::/64");
        return null;
    }

    /// <summary>One of a fixed set of words (case-insensitive), with a suggestion when misspelt.</summary>
    public T? Word<T>(YamlNode node, string path, string what, IReadOnlyList<(T Value, string Name)> words)
        where T : struct
    {
        var text = String(node, path, what);
        if (text is null)
        {
            return null;
        }

        foreach (var (value, name) in words)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        var names = words.Select(w => w.Name).ToList();
        var hint = Suggestions.Nearest(text, names) is { } near ? $"; did you mean '{near}'?" : "";
        Error(path, "value.unknown-word", $"{what} '{text}' is not one of {string.Join(", ", names)}{hint}");
        return null;
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode { Style: ScalarStyle.Plain } s => $"'{s.Value}'",
        YamlScalarNode s => $"the text \"{s.Value}\"",
        _ => "that",
    };
}
