using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using NetVirt.Backends.Commands;
using NetVirt.Backends.Linux;
using NetVirt.Backends.Linux.Kernel;
using NetVirt.Backends.Linux.Nftables;
using NetVirt.Backends.Linux.Tc;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;

namespace NetVirt.Tests.Backends.Linux;

/// <summary>
/// nftables and tc on the fake host, for the lines the backend writes: a transaction applies as a whole or not at all
/// (deleting an element that is not there fails it, as nft does), and tc applies its lines one by one, stopping at the
/// first failing one unless forced.
/// </summary>
public sealed partial class FakeLinuxKernel
{
    private readonly Dictionary<string, Table> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TcDevice> _tc = new(StringComparer.Ordinal);

    // ---- nftables ----------------------------------------------------------------------------------------------

    /// <summary>Every transaction run, as its lines, in order (whether it applied or not).</summary>
    public List<IReadOnlyList<string>> NftTransactions { get; } = [];

    Task<CommandResult> INftables.RunAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        var command = CommandSpec.Of(LinuxTools.Default.Nft, "-f", "-") with { StandardInput = string.Join('\n', lines) + "\n" };
        lock (_gate)
        {
            Alive();
            NftTransactions.Add([.. lines]);
            var work = _tables.ToDictionary(t => t.Key, t => t.Value.Copy(), StringComparer.Ordinal);
            for (var i = 0; i < lines.Count; i++)
            {
                if (NftLine(work, lines[i]) is { } error)
                {
                    return Task.FromResult(new CommandResult(command, 1, "", $"/dev/stdin:{i + 1}:1-1: Error: {error}\n", TimeSpan.Zero));
                }
            }

            // A transaction is one change.
            Mutate();
            _tables.Clear();
            foreach (var (name, table) in work)
            {
                _tables[name] = table;
            }

            return Task.FromResult(new CommandResult(command, 0, "", "", TimeSpan.Zero));
        }
    }

    /// <summary>How many times a table was listed.</summary>
    public int NftListings { get; private set; }

    Task<NftTableObserved?> INftables.ListAsync(string table, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Alive();
            NftListings++;
            return Task.FromResult(_tables.TryGetValue(table, out var t) ? t.Observe() : null);
        }
    }

    /// <summary>Runs one nft command as <c>nft</c> would from the command line (an operator's change).</summary>
    public string? Nft(string line)
    {
        lock (_gate)
        {
            var work = _tables.ToDictionary(t => t.Key, t => t.Value.Copy(), StringComparer.Ordinal);
            var error = NftLine(work, line);
            if (error is null)
            {
                _tables.Clear();
                foreach (var (name, table) in work)
                {
                    _tables[name] = table;
                }
            }

            return error;
        }
    }

    private static string? NftLine(Dictionary<string, Table> tables, string line)
    {
        const string NoSuch = "Could not process rule: No such file or directory";
        if (line.StartsWith('#') || line.Length == 0)
        {
            return null;
        }

        var m = NftCommand().Match(line);
        if (!m.Success)
        {
            return $"syntax error: {line}";
        }

        var (verb, what, name, rest) = (m.Groups["verb"].Value, m.Groups["what"].Value, m.Groups["table"].Value, m.Groups["rest"].Value.Trim());
        switch (verb, what)
        {
            case ("add", "table"):
                if (!tables.ContainsKey(name))
                {
                    tables[name] = new Table { Comment = Comment(rest) };
                }

                return null;
            case ("delete", "table"):
                return tables.Remove(name) ? null : NoSuch;
        }

        if (!tables.TryGetValue(name, out var table))
        {
            return NoSuch;
        }

        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        var target = space < 0 ? rest : rest[..space];
        var body = space < 0 ? "" : rest[(space + 1)..].Trim();
        switch (verb, what)
        {
            case ("add", "set"):
                table.Sets.TryAdd(target, new Set(body.Trim('{', '}', ' ')));
                return null;
            case ("delete", "set"):
                if (table.RulesOf.Values.Any(r => r.Any(rule => rule.Contains($"@{target} ", StringComparison.Ordinal))))
                {
                    return "Could not process rule: Device or resource busy";
                }

                return table.Sets.Remove(target) ? null : NoSuch;
            case ("add", "chain"):
                table.Chains.TryAdd(target, body.Trim('{', '}', ' '));
                table.RulesOf.TryAdd(target, []);
                return null;
            case ("flush", "chain"):
                if (!table.RulesOf.TryGetValue(target, out var flushed))
                {
                    return NoSuch;
                }

                flushed.Clear();
                return null;
            case ("add", "rule"):
                if (!table.RulesOf.TryGetValue(target, out var rules))
                {
                    return NoSuch;
                }

                rules.Add(body);
                return null;
            case ("add", "element"):
            case ("delete", "element"):
                if (!table.Sets.TryGetValue(target, out var set))
                {
                    return NoSuch;
                }

                foreach (var element in Elements(body))
                {
                    var key = KeyOf(element);
                    // As nft: a set without intervals takes no prefix.
                    if (verb == "add" && key.Contains('/', StringComparison.Ordinal) && !set.Declaration.Contains("flags interval", StringComparison.Ordinal))
                    {
                        return $"Error: You must add 'flags interval' to your set declaration if you want to add prefix elements: {line}";
                    }

                    if (verb == "add")
                    {
                        set.Elements.TryAdd(key, element);
                    }
                    else if (!set.Elements.Remove(key))
                    {
                        return NoSuch;
                    }
                }

                return null;
            default:
                return $"syntax error: {line}";
        }
    }

    // { a, b } → a, b (commas inside quotes stay).
    private static IEnumerable<string> Elements(string body)
    {
        var inner = body.Trim().TrimStart('{').TrimEnd('}');
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in inner)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if (c == ',' && !quoted)
            {
                yield return current.ToString().Trim();
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.ToString().Trim() is { Length: > 0 } last)
        {
            yield return last;
        }
    }

    private static string KeyOf(string element)
    {
        var at = element.IndexOf(" comment ", StringComparison.Ordinal);
        return at < 0 ? element : element[..at];
    }

    private static string? Comment(string text)
    {
        var m = CommentPattern().Match(text);
        return m.Success ? m.Groups[1].Value : null;
    }

    private static string Unquote(string text) => text.Trim().Trim('"');

    private void PrintNft(StringBuilder text)
    {
        foreach (var (name, table) in _tables.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"nft table {name} comment={table.Comment} chains={string.Join(";", table.Chains.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}:{c.Value}"))}\n");
            foreach (var (setName, set) in table.Sets.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"nft set {name} {setName} {set.Declaration}\n");
                foreach (var element in set.Elements.Values.Order(StringComparer.Ordinal))
                {
                    text.Append(CultureInfo.InvariantCulture, $"nft element {name} {setName} {element}\n");
                }
            }

            foreach (var (chain, rules) in table.RulesOf.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                foreach (var rule in rules)
                {
                    text.Append(CultureInfo.InvariantCulture, $"nft rule {name} {chain} {rule}\n");
                }
            }
        }
    }

    private void CopyNftAndTc(FakeLinuxKernel copy)
    {
        foreach (var (name, table) in _tables)
        {
            copy._tables[name] = table.Copy();
        }

        foreach (var (name, device) in _tc)
        {
            copy._tc[name] = device with { };
        }
    }

    private sealed class Table
    {
        public string? Comment { get; init; }

        public Dictionary<string, string> Chains { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<string>> RulesOf { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Set> Sets { get; } = new(StringComparer.Ordinal);

        public Table Copy()
        {
            var copy = new Table { Comment = Comment };
            foreach (var (name, set) in Sets)
            {
                copy.Sets[name] = set.Copy();
            }

            foreach (var (name, declaration) in Chains)
            {
                copy.Chains[name] = declaration;
                copy.RulesOf[name] = [.. RulesOf[name]];
            }

            return copy;
        }

        // What nft -j list shows, as NftJson reads it.
        public NftTableObserved Observe()
        {
            var sets = Sets.Select(s => $"{s.Key}:{NftRuleset.Sets.FirstOrDefault(d => CommentPattern().Replace(s.Value.Declaration, "").Replace(" ;", "", StringComparison.Ordinal).Trim() == d.Declaration).Observed ?? "?"}");
            var ports = new Dictionary<string, NftPortObserved>(StringComparer.Ordinal);
            NftPortObserved Port(string element) => ports.TryGetValue(Unquote(element.Split(' ')[0]), out var p) ? p : ports[Unquote(element.Split(' ')[0])] = new NftPortObserved(Unquote(element.Split(' ')[0]));
            foreach (var (setName, set) in Sets)
            {
                foreach (var element in set.Elements.Values)
                {
                    var port = Port(element);
                    var value = element.Split(" . ") is [_, var v] ? v.Trim() : null;
                    if (setName == NftRuleset.Vnics)
                    {
                        port.Listed = true;
                        port.Identity = Comment(element);
                    }
                    else if (NftRuleset.FlagSets.FirstOrDefault(f => f.Set == setName) is { Set: not null } flag)
                    {
                        port.Flags |= flag.Flag;
                    }
                    else if (setName == NftRuleset.Macs && value is not null)
                    {
                        port.Macs.Add(MacAddress.Parse(value).ToString());
                    }
                    else if (setName == NftRuleset.Chaddr && value is not null)
                    {
                        port.Chaddrs.Add(new MacAddress(ulong.Parse(value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());
                    }
                    else if (setName is NftRuleset.Allowed4 or NftRuleset.Allowed6 or NftRuleset.Allowed4Nets or NftRuleset.Allowed6Nets && value is not null)
                    {
                        // nft lists an address in a hash set bare, a prefix in an interval set with its length.
                        var address = value.Contains('/', StringComparison.Ordinal) ? IPNetwork.Parse(value) : new IPNetwork(IPAddress.Parse(value), value.Contains(':', StringComparison.Ordinal) ? 128 : 32);
                        port.Allowed.Add(address.ToString());
                    }
                }
            }

            return new NftTableObserved
            {
                Sets = string.Join(',', sets.Order(StringComparer.Ordinal)),
                Rules = Chains.TryGetValue(NftRuleset.Chain, out var chain)
                    ? NftRuleset.Digest(chain, RulesOf[NftRuleset.Chain], Chains.GetValueOrDefault(NftRuleset.InputChain), RulesOf.GetValueOrDefault(NftRuleset.InputChain) ?? [])
                    : "(no base chain)",
                RuleText = RulesOf.TryGetValue(NftRuleset.Chain, out var text) ? [.. text] : [],
                Comment = Sets.TryGetValue(NftRuleset.Vnics, out var vnics) ? FakeLinuxKernel.Comment(vnics.Declaration) : null,
                Ports = ports,
            };
        }
    }

    private sealed class Set(string declaration)
    {
        public string Declaration { get; } = declaration;

        public Dictionary<string, string> Elements { get; } = new(StringComparer.Ordinal);

        public Set Copy()
        {
            var copy = new Set(Declaration);
            foreach (var (key, element) in Elements)
            {
                copy.Elements[key] = element;
            }

            return copy;
        }
    }

    [GeneratedRegex("^(?<verb>add|delete|flush) (?<what>table|set|chain|rule|element) bridge (?<table>[A-Za-z0-9]+)(?<rest>.*)$")]
    private static partial Regex NftCommand();

    [GeneratedRegex("comment \"([^\"]*)\"")]
    private static partial Regex CommentPattern();

    // ---- tc --------------------------------------------------------------------------------------------------

    Task<CommandResult> ITrafficControl.RunAsync(IReadOnlyList<string> lines, bool force, CancellationToken cancellationToken)
    {
        var command = (force ? CommandSpec.Of(LinuxTools.Default.Tc, "-force", "-batch", "-") : CommandSpec.Of(LinuxTools.Default.Tc, "-batch", "-"))
            with { StandardInput = string.Join('\n', lines) + "\n" };
        lock (_gate)
        {
            Alive();
            var errors = new StringBuilder();
            foreach (var line in lines)
            {
                Mutate();
                if (TcLine(line) is { } error)
                {
                    errors.Append(CultureInfo.InvariantCulture, $"{error}\nCommand failed -:{lines.ToList().IndexOf(line) + 1}\n");
                    if (!force)
                    {
                        break;
                    }
                }
            }

            return Task.FromResult(new CommandResult(command, errors.Length == 0 ? 0 : 1, "", errors.ToString(), TimeSpan.Zero));
        }
    }

    Task<TcObserved> ITrafficControl.ObserveAsync(IReadOnlyList<string> devices, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Alive();
            var rates = _tc.Where(d => d.Value.Rate is not null).ToDictionary(d => d.Key, d => d.Value.Rate!.Value, StringComparer.Ordinal);
            var ingress = _tc.Where(d => d.Value.Ingress).Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
            var redirects = devices.Where(d => _tc.TryGetValue(d, out var t) && t.Redirect is not null).ToDictionary(d => d, d => _tc[d].Redirect!, StringComparer.Ordinal);
            return Task.FromResult(new TcObserved(rates, ingress, redirects));
        }
    }

    private string? TcLine(string line)
    {
        var words = line.Split(' ');
        if (words.Length < 4 || words[2] != "dev")
        {
            return $"syntax error: {line}";
        }

        var dev = words[3];
        if (_host.Find(dev) is null)
        {
            return $"Cannot find device \"{dev}\"";
        }

        var device = _tc.TryGetValue(dev, out var d) ? d : new TcDevice();
        switch (words[0], words[1])
        {
            case ("qdisc", "replace") when line.Contains(" root ", StringComparison.Ordinal):
                var rate = words[Array.IndexOf(words, "rate") + 1];
                device = device with { Rate = long.Parse(rate[..^3], CultureInfo.InvariantCulture) / 8 };
                break;
            case ("qdisc", "replace"):
                device = device with { Ingress = true };
                break;
            case ("filter", "replace"):
                if (!device.Ingress)
                {
                    return "Error: Parent Qdisc doesn't exists.";
                }

                device = device with { Redirect = words[^1] };
                break;
            case ("qdisc", "del") when words[^1] == "root":
                if (device.Rate is null)
                {
                    return "Error: Cannot delete qdisc with handle of zero.";
                }

                device = device with { Rate = null };
                break;
            case ("qdisc", "del"):
                if (!device.Ingress)
                {
                    return "Error: Cannot find specified qdisc on specified device.";
                }

                device = device with { Ingress = false, Redirect = null };
                break;
            default:
                return $"syntax error: {line}";
        }

        _tc[dev] = device;
        return null;
    }

    private void PrintTc(StringBuilder text)
    {
        foreach (var (dev, device) in _tc.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"tc {dev} rate={device.Rate} ingress={device.Ingress} redirect={device.Redirect}\n");
        }
    }

    private sealed record TcDevice(long? Rate = null, bool Ingress = false, string? Redirect = null);
}
