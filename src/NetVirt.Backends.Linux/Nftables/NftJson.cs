using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;

namespace NetVirt.Backends.Linux.Nftables;

/// <summary>
/// Reads <c>nft -j list table bridge {table}</c>: the table's sets and elements, the base chain and its rules.
/// Rule expressions are printed in the canonical nft syntax of <see cref="NftRuleset.Rules"/>; an expression this
/// reader does not know is kept as its JSON, so it can never compare equal to a desired rule. Pure.
/// </summary>
public static class NftJson
{
    /// <summary>Parses a listing.</summary>
    public static NftTableObserved Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        var sets = new List<string>();
        var elements = new Dictionary<string, List<JsonElement>>(StringComparer.Ordinal);
        string? chain = null;
        string? input = null;
        string? comment = null;
        var rules = new List<string>();
        var inputRules = new List<string>();
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("set", out var set))
            {
                var name = set.GetProperty("name").GetString()!;
                var type = set.GetProperty("type");
                var typeText = type.ValueKind == JsonValueKind.Array ? string.Join(" . ", type.EnumerateArray().Select(t => t.GetString())) : type.GetString();
                var flags = set.TryGetProperty("flags", out var f) ? string.Join(",", f.EnumerateArray().Select(x => x.GetString())) : "";
                sets.Add($"{name}:{typeText}:{flags}");
                if (name == NftRuleset.Vnics && set.TryGetProperty("comment", out var c0))
                {
                    comment = c0.GetString();
                }

                // Not cloned: the elements are read into ports below, while the document is still open (a clone is a
                // document of its own, 7,000 of them at 1,000 zones).
                elements[name] = set.TryGetProperty("elem", out var elem) ? [.. elem.EnumerateArray()] : [];
            }
            else if (item.TryGetProperty("chain", out var c) && c.GetProperty("name").GetString() is NftRuleset.Chain or NftRuleset.InputChain)
            {
                var declaration = c.TryGetProperty("hook", out var hook)
                    ? $"type {c.GetProperty("type").GetString()} hook {hook.GetString()} priority {c.GetProperty("prio").GetInt32()}; policy {c.GetProperty("policy").GetString()};"
                    : "(not a base chain)";
                if (c.GetProperty("name").GetString() == NftRuleset.Chain)
                {
                    chain = declaration;
                }
                else
                {
                    input = declaration;
                }
            }
            else if (item.TryGetProperty("rule", out var rule) && rule.GetProperty("chain").GetString() is NftRuleset.Chain or NftRuleset.InputChain)
            {
                (rule.GetProperty("chain").GetString() == NftRuleset.Chain ? rules : inputRules).Add(Rule(rule));
            }
        }

        return new NftTableObserved
        {
            Sets = string.Join(',', sets.Order(StringComparer.Ordinal)),
            Rules = chain is null ? "(no base chain)" : NftRuleset.Digest(chain, rules, input, inputRules),
            RuleText = rules,
            Comment = comment,
            Ports = Ports(elements),
        };
    }

    /// <summary>One rule in canonical syntax.</summary>
    public static string Rule(JsonElement rule)
    {
        var parts = new List<string>();
        foreach (var statement in rule.GetProperty("expr").EnumerateArray())
        {
            parts.Add(Statement(statement));
        }

        if (rule.TryGetProperty("comment", out var comment))
        {
            parts.Add("comment " + NftRuleset.Quote(comment.GetString() ?? ""));
        }

        return string.Join(' ', parts);
    }

    private static string Statement(JsonElement statement)
    {
        if (statement.TryGetProperty("match", out var match))
        {
            // A literal interface name (a wildcard such as "nv-*") is written quoted; a set reference ("@vnics") is not.
            var right = match.GetProperty("right");
            var value = right.ValueKind == JsonValueKind.String && right.GetString() is { } text && !text.StartsWith('@') && IsInterfaceName(match.GetProperty("left"))
                ? NftRuleset.Quote(text)
                : Expression(right);
            return $"{Expression(match.GetProperty("left"))} {match.GetProperty("op").GetString()} {value}";
        }

        if (statement.TryGetProperty("drop", out _))
        {
            return "drop";
        }

        return statement.TryGetProperty("accept", out _) ? "accept" : statement.GetRawText();
    }

    private static bool IsInterfaceName(JsonElement left) =>
        left.ValueKind == JsonValueKind.Object && left.TryGetProperty("meta", out var meta) && meta.GetProperty("key").GetString() is "iifname" or "oifname";

    private static string Expression(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return e.GetString()!;
            case JsonValueKind.Number:
                return e.GetRawText();
            case JsonValueKind.Object when e.TryGetProperty("meta", out var meta):
                return "meta " + meta.GetProperty("key").GetString();
            case JsonValueKind.Object when e.TryGetProperty("payload", out var payload):
                return payload.TryGetProperty("protocol", out var protocol)
                    ? $"{protocol.GetString()} {payload.GetProperty("field").GetString()}"
                    : $"@{payload.GetProperty("base").GetString()},{payload.GetProperty("offset").GetInt32()},{payload.GetProperty("len").GetInt32()}";
            case JsonValueKind.Object when e.TryGetProperty("concat", out var concat):
                return string.Join(" . ", concat.EnumerateArray().Select(Expression));
            case JsonValueKind.Object when e.TryGetProperty("set", out var set):
                return "{ " + string.Join(", ", set.EnumerateArray().Select(Expression).Order(StringComparer.Ordinal)) + " }";
            default:
                return e.GetRawText();
        }
    }

    private static Dictionary<string, NftPortObserved> Ports(Dictionary<string, List<JsonElement>> elements)
    {
        var ports = new Dictionary<string, NftPortObserved>(StringComparer.Ordinal);
        NftPortObserved Port(string name) => ports.TryGetValue(name, out var p) ? p : ports[name] = new NftPortObserved(name);

        foreach (var element in Get(elements, NftRuleset.Vnics))
        {
            var (value, comment) = Unwrap(element);
            if (value.ValueKind == JsonValueKind.String)
            {
                var port = Port(value.GetString()!);
                port.Listed = true;
                port.Identity = comment;
            }
        }

        foreach (var (flag, set) in NftRuleset.FlagSets)
        {
            foreach (var element in Get(elements, set))
            {
                var (value, _) = Unwrap(element);
                if (value.ValueKind == JsonValueKind.String)
                {
                    Port(value.GetString()!).Flags |= flag;
                }
            }
        }

        foreach (var (set, apply) in new (string, Action<NftPortObserved, JsonElement>)[]
                 {
                     (NftRuleset.Macs, (p, v) => p.Macs.Add(MacText(v))),
                     (NftRuleset.Chaddr, (p, v) => p.Chaddrs.Add(MacText(v))),
                     (NftRuleset.Allowed4, (p, v) => p.Allowed.Add(PrefixText(v))),
                     (NftRuleset.Allowed4Nets, (p, v) => p.Allowed.Add(PrefixText(v))),
                     (NftRuleset.Allowed6, (p, v) => p.Allowed.Add(PrefixText(v))),
                     (NftRuleset.Allowed6Nets, (p, v) => p.Allowed.Add(PrefixText(v))),
                 })
        {
            foreach (var element in Get(elements, set))
            {
                var (value, _) = Unwrap(element);
                if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("concat", out var concat) && concat.GetArrayLength() == 2
                    && concat[0].ValueKind == JsonValueKind.String)
                {
                    apply(Port(concat[0].GetString()!), concat[1]);
                }
            }
        }

        return ports;
    }

    private static List<JsonElement> Get(Dictionary<string, List<JsonElement>> elements, string set) =>
        elements.TryGetValue(set, out var list) ? list : [];

    // An element with a comment is {"elem": {"val": ..., "comment": ...}}.
    private static (JsonElement Value, string? Comment) Unwrap(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("elem", out var wrapped)
            ? (wrapped.GetProperty("val"), wrapped.TryGetProperty("comment", out var c) ? c.GetString() : null)
            : (element, null);

    private static string MacText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when MacAddress.TryParse(value.GetString(), out var mac) => mac.ToString(),
        JsonValueKind.Number when value.TryGetUInt64(out var number) => new MacAddress(number & 0xFFFF_FFFF_FFFF).ToString(),
        _ => value.GetRawText(),
    };

    private static string PrefixText(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String && IPAddress.TryParse(value.GetString(), out var address))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128).ToString();
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("prefix", out var prefix)
            && IPAddress.TryParse(prefix.GetProperty("addr").GetString(), out var network))
        {
            return new IPNetwork(network, prefix.GetProperty("len").GetInt32()).ToString();
        }

        return value.GetRawText();
    }
}

/// <summary>What <c>nft -j list table</c> showed: set declarations, the base chain's digest and rules, and every port's elements.</summary>
public sealed record NftTableObserved
{
    /// <summary>Set declarations as name:type:flags, sorted and comma-separated.</summary>
    public required string Sets { get; init; }

    /// <summary>Digest of the chains' declarations and rules (<see cref="NftRuleset.Digest"/>).</summary>
    public required string Rules { get; init; }

    /// <summary>The base chain's rules in canonical syntax.</summary>
    public required IReadOnlyList<string> RuleText { get; init; }

    /// <summary>The comment of the <c>vnics</c> set: who made the table (<c>netvirt table NAME deployment ID</c>).</summary>
    public string? Comment { get; init; }

    /// <summary>Per port (host end name): the elements naming it.</summary>
    public required IReadOnlyDictionary<string, NftPortObserved> Ports { get; init; }
}

/// <summary>The set elements of one port.</summary>
public sealed class NftPortObserved(string port)
{
    /// <summary>The port (host end name).</summary>
    public string Port { get; } = port;

    /// <summary>True when the port is in the <c>vnics</c> set.</summary>
    public bool Listed { get; set; }

    /// <summary>The protection resource the <c>vnics</c> element's comment names, if any.</summary>
    public string? Identity { get; set; }

    /// <summary>Flags from the flag sets the port is in.</summary>
    public Protection Flags { get; set; }

    /// <summary>MACs in <c>macs</c>.</summary>
    public List<string> Macs { get; } = [];

    /// <summary>MACs in <c>chaddr</c>.</summary>
    public List<string> Chaddrs { get; } = [];

    /// <summary>Prefixes in <c>allowed4</c>, <c>allowed6</c> and their <c>_nets</c> sets (an address as /32 or /128).</summary>
    public List<string> Allowed { get; } = [];

    /// <summary>Joins values canonically (sorted, comma-separated).</summary>
    public static string Join(IEnumerable<string> values) => string.Join(',', values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>Text for debugging.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Port);
        text.Append(CultureInfo.InvariantCulture, $" {SpecNames.Format(Flags)} {Join(Macs)} {Join(Allowed)}");
        return text.ToString();
    }
}
