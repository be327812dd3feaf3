using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using NetVirt.Backends.Linux.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;
using NetVirt.Planning.Resources;

namespace NetVirt.Backends.Linux.Nftables;

/// <summary>
/// The anti-spoofing ruleset: one bridge-family table with a fixed base chain and per-VNIC data in sets, so that
/// 1,000 VNICs cost 1,000 × a few set elements rather than 1,000 chains (anonymous sets per chain made the kernel
/// spend seconds). Every rule is written in nft syntax and printed back from <c>nft -j</c> in the same canonical
/// form (<see cref="NftJson"/>), so desired and observed rules compare as strings. Pure.
/// </summary>
/// <remarks>
/// The chain hooks bridge <c>prerouting</c>: a frame is judged when it enters the bridge from a VNIC's host end,
/// before forwarding. A port that is in no set is not touched (router legs, foreign ports).
/// </remarks>
public static class NftRuleset
{
    /// <summary>Set of protected ports; each element's comment names its protection resource.</summary>
    public const string Vnics = "vnics";

    /// <summary>Sets that hold the ports with each flag.</summary>
    public static readonly IReadOnlyList<(Protection Flag, string Set)> FlagSets =
    [
        (Protection.MacNospoof, "mac_ports"),
        (Protection.Restricted, "restricted_ports"),
        (Protection.IpNospoof, "ip_ports"),
        (Protection.DhcpNospoof, "dhcp_ports"),
    ];

    /// <summary>(port, MAC) pairs mac-nospoof allows.</summary>
    public const string Macs = "macs";

    /// <summary>(port, DHCP client hardware address) pairs dhcp-nospoof allows.</summary>
    public const string Chaddr = "chaddr";

    /// <summary>(port, IPv4 address) pairs ip-nospoof allows: a hash set.</summary>
    /// <remarks>
    /// Single addresses (nearly every element) are kept apart from prefixes: a set with <c>flags interval</c> over a
    /// concatenation is the kernel's pipapo set, whose removals cost in proportion to the set's size within one
    /// transaction. Measured here (kernel 6.18, integration/bench/kernel/nft_set_deletes.py): deleting 100 of 1,000
    /// elements 1.65 s, 500 of 2,000 13.9 s, against 20–25 ms for a hash set; the one transaction that shrank a 2,000-zone network held a core for 26 s (a soft
    /// lockup), which stalled the kernel's release of the deleted namespaces past the executor's 30 s.
    /// </remarks>
    public const string Allowed4 = "allowed4";

    /// <summary>(port, IPv4 prefix) pairs ip-nospoof allows where the prefix is wider than one address: an interval set.</summary>
    public const string Allowed4Nets = "allowed4_nets";

    /// <summary>(port, IPv6 address) pairs ip-nospoof allows: a hash set (see <see cref="Allowed4"/>).</summary>
    public const string Allowed6 = "allowed6";

    /// <summary>(port, IPv6 prefix) pairs ip-nospoof allows where the prefix is wider than one address: an interval set.</summary>
    public const string Allowed6Nets = "allowed6_nets";

    /// <summary>The base chain.</summary>
    public const string Chain = "prerouting";

    /// <summary>The chain's declaration in canonical form.</summary>
    public const string ChainDeclaration = "type filter hook prerouting priority -200; policy accept;";

    /// <summary>Set declarations: name, declaration as written, and type:flags as <c>nft -j</c> reports it.</summary>
    public static readonly IReadOnlyList<(string Name, string Declaration, string Observed)> Sets =
    [
        (Vnics, "type ifname;", "ifname:"),
        ("mac_ports", "type ifname;", "ifname:"),
        ("restricted_ports", "type ifname;", "ifname:"),
        ("ip_ports", "type ifname;", "ifname:"),
        ("dhcp_ports", "type ifname;", "ifname:"),
        (Macs, "type ifname . ether_addr;", "ifname . ether_addr:"),
        (Chaddr, "typeof iifname . @th,288,48;", "ifname . integer:"),
        (Allowed4, "type ifname . ipv4_addr;", "ifname . ipv4_addr:"),
        (Allowed4Nets, "type ifname . ipv4_addr; flags interval;", "ifname . ipv4_addr:interval"),
        (Allowed6, "type ifname . ipv6_addr;", "ifname . ipv6_addr:"),
        (Allowed6Nets, "type ifname . ipv6_addr; flags interval;", "ifname . ipv6_addr:interval"),
    ];

    /// <summary>
    /// The base chain's rules in canonical form (what <see cref="NftJson"/> prints for the listed rule). Sets in
    /// braces are sorted; every match carries its operator.
    /// </summary>
    /// <remarks>
    /// The first rule keeps MLD listener reports off the network ("mld-quiet"). Every zone's kernel reports the
    /// solicited-node groups of its addresses, twice each, as its interface comes up and on every address it gets. With
    /// no multicast querier on the VLAN (NetVirt's bridges run none, and zones run none) a bridge floods each report to
    /// every port, where every zone drops it: measured on 2,000 zones of one VLAN, applying them set off 40 s of such
    /// reports, 30 million frame deliveries of which 250,000 the receive backlog dropped, ARP and neighbour
    /// solicitations among them. Without a querier the bridge forwards multicast by flooding, whatever it learned from
    /// reports, so dropping them where they enter changes no delivery.
    /// </remarks>
    public static readonly IReadOnlyList<string> Rules =
    [
        "meta iifname == @vnics icmpv6 type == { mld-listener-done, mld-listener-report, mld2-listener-report } drop comment \"mld-quiet\"",
        "meta iifname == @mac_ports meta iifname . ether saddr != @macs drop comment \"mac-nospoof\"",
        "meta iifname == @mac_ports meta iifname . arp saddr ether != @macs drop comment \"mac-nospoof\"",
        "meta iifname == @restricted_ports ether type != { arp, ip, ip6 } drop comment \"restricted\"",
        "meta iifname == @ip_ports arp saddr ip != 0.0.0.0 meta iifname . arp saddr ip != @allowed4 meta iifname . arp saddr ip != @allowed4_nets drop comment \"ip-nospoof\"",
        "meta iifname == @ip_ports meta iifname . ip saddr != @allowed4 meta iifname . ip saddr != @allowed4_nets drop comment \"ip-nospoof\"",
        "meta iifname == @ip_ports ip6 saddr != :: meta iifname . ip6 saddr != @allowed6 meta iifname . ip6 saddr != @allowed6_nets drop comment \"ip-nospoof\"",
        "meta iifname == @ip_ports ip6 saddr == :: icmpv6 type != { mld2-listener-report, nd-neighbor-solicit } drop comment \"ip-nospoof\"",
        "meta iifname == @dhcp_ports udp sport == 67 drop comment \"dhcp-nospoof\"",
        "meta iifname == @dhcp_ports udp sport == 547 drop comment \"dhcp-nospoof\"",
        "meta iifname == @dhcp_ports udp dport == 67 meta iifname . @th,288,48 != @chaddr drop comment \"dhcp-nospoof\"",
    ];

    /// <summary>The desired <c>sets</c> property: every set as name:type:flags, sorted.</summary>
    public static string SetsProperty { get; } = string.Join(',', Sets.Select(s => $"{s.Name}:{s.Observed}").Order(StringComparer.Ordinal));

    /// <summary>The chain that keeps the host out of the networks: frames a bridge would deliver to the host itself.</summary>
    public const string InputChain = "input";

    /// <summary>The input chain's declaration in canonical form.</summary>
    public const string InputChainDeclaration = "type filter hook input priority -200; policy accept;";

    /// <summary>
    /// The input chain's rules for the ports named <paramref name="ownerMark"/>*: every frame that enters a NetVirt bridge
    /// from one of NetVirt's ports (a VNIC's host end, a trunk between bridges of one domain, a router leg, a VXLAN port)
    /// and that the bridge would pass up to the host itself is dropped ("host-isolated"). A bridge is a host interface:
    /// without this, the host answered a tenant's ARP for any of its own addresses (arp_ignore 0) and took what the tenant
    /// then sent it, its IPv6 link-local address included; found by a zone asking for the host's eth0 address. Frames
    /// between ports are forwarded, not delivered, so no traffic the model allows passes this hook.
    /// </summary>
    public static IReadOnlyList<string> InputRules(string ownerMark) => [$"meta iifname == {Quote(ownerMark + "*")} drop comment \"host-isolated\""];

    /// <summary>The desired <c>rules</c> property of the table whose ports are named <paramref name="ownerMark"/>*.</summary>
    public static string RulesProperty(string ownerMark) => Digest(ChainDeclaration, Rules, InputChainDeclaration, InputRules(ownerMark));

    /// <summary>
    /// A short digest of the base chain's declaration and rules and the input chain's (null: none): rule count and the
    /// start of their SHA-256.
    /// </summary>
    public static string Digest(string chainDeclaration, IReadOnlyList<string> rules, string? inputDeclaration, IReadOnlyList<string> inputRules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(inputRules);
        var text = chainDeclaration + "\n" + string.Join('\n', rules) + "\n" + (inputDeclaration ?? "(no input chain)") + "\n" + string.Join('\n', inputRules);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
        return $"{rules.Count + inputRules.Count} rules sha256:{hash}";
    }

    /// <summary>
    /// The commands that create the table, its sets and its chains, and (re)write the chains' rules. The table and its
    /// <c>vnics</c> set carry <paramref name="mark"/> as their comment (who made the table; <c>nft -j</c> shows set
    /// comments, not table comments, so the set's is the one read back); <paramref name="ownerMark"/> starts the names of
    /// the ports the input chain guards.
    /// </summary>
    public static IEnumerable<string> CreateTable(string table, string mark, string ownerMark)
    {
        ArgumentNullException.ThrowIfNull(mark);
        yield return $"add table bridge {table} {{ comment {Quote(mark)}; }}";
        foreach (var (name, declaration, _) in Sets)
        {
            yield return name == Vnics
                ? $"add set bridge {table} {name} {{ {declaration} comment {Quote(mark)}; }}"
                : $"add set bridge {table} {name} {{ {declaration} }}";
        }

        yield return $"add chain bridge {table} {Chain} {{ {ChainDeclaration} }}";
        foreach (var line in RewriteRules(table, ownerMark))
        {
            yield return line;
        }
    }

    /// <summary>
    /// Empties the chains and adds the rules again, in one transaction with the caller's other commands; the input chain
    /// is added first when the table predates it.
    /// </summary>
    public static IEnumerable<string> RewriteRules(string table, string ownerMark)
    {
        yield return $"add chain bridge {table} {InputChain} {{ {InputChainDeclaration} }}";
        yield return $"flush chain bridge {table} {Chain}";
        foreach (var rule in Rules)
        {
            yield return $"add rule bridge {table} {Chain} {rule}";
        }

        yield return $"flush chain bridge {table} {InputChain}";
        foreach (var rule in InputRules(ownerMark))
        {
            yield return $"add rule bridge {table} {InputChain} {rule}";
        }
    }

    /// <summary>The set elements a protection resource stands for: (set, element in nft syntax).</summary>
    public static IEnumerable<(string Set, string Element)> Elements(string name, PropertyBag properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var port = properties[LinuxProperties.Port] ?? throw new ArgumentException($"protection {name} has no port", nameof(properties));
        var quoted = Quote(port);
        yield return (Vnics, $"{quoted} comment {Quote(name)}");
        var flags = ParseFlags(properties[LinuxProperties.Flags] ?? "");
        foreach (var (flag, set) in FlagSets)
        {
            if (flags.HasFlag(flag))
            {
                yield return (set, quoted);
            }
        }

        // One MAC for a VNIC; every remote VNIC's and the anycast gateways' for a VXLAN port.
        foreach (var mac in (properties[LinuxProperties.AllowedMac] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return (Macs, $"{quoted} . {mac}");
        }

        if (properties[LinuxProperties.DhcpChaddr] is { Length: > 0 } chaddr)
        {
            yield return (Chaddr, $"{quoted} . 0x{MacAddress.Parse(chaddr).Value:x12}");
        }

        foreach (var prefix in (properties[LinuxProperties.AllowedIps] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return AllowedElement(quoted, IPNetwork.Parse(prefix));
        }
    }

    /// <summary>The elements the table holds for one port, exactly as listed (so that a delete names only what is there).</summary>
    public static IEnumerable<(string Set, string Element)> Elements(NftPortObserved port)
    {
        ArgumentNullException.ThrowIfNull(port);
        var quoted = Quote(port.Port);
        if (port.Listed)
        {
            yield return (Vnics, port.Identity is { } identity ? $"{quoted} comment {Quote(identity)}" : quoted);
        }

        foreach (var (flag, set) in FlagSets)
        {
            if (port.Flags.HasFlag(flag))
            {
                yield return (set, quoted);
            }
        }

        foreach (var mac in port.Macs.Distinct(StringComparer.Ordinal))
        {
            yield return (Macs, $"{quoted} . {mac}");
        }

        foreach (var chaddr in port.Chaddrs.Distinct(StringComparer.Ordinal))
        {
            yield return (Chaddr, $"{quoted} . 0x{MacAddress.Parse(chaddr).Value:x12}");
        }

        foreach (var prefix in port.Allowed.Distinct(StringComparer.Ordinal))
        {
            yield return AllowedElement(quoted, IPNetwork.Parse(prefix));
        }
    }

    // One address goes to the family's hash set, as a bare address (a set without intervals takes no prefix); a wider
    // prefix to its interval set.
    private static (string Set, string Element) AllowedElement(string quotedPort, IPNetwork network)
    {
        var v4 = network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        return network.PrefixLength == (v4 ? 32 : 128)
            ? (v4 ? Allowed4 : Allowed6, $"{quotedPort} . {network.BaseAddress}")
            : (v4 ? Allowed4Nets : Allowed6Nets, $"{quotedPort} . {network}");
    }

    /// <summary>
    /// The commands that take the elements of one port from <paramref name="present"/> to <paramref name="wanted"/>:
    /// delete what is there and not wanted, add what is wanted and not there. Nothing absent is ever deleted (nft fails
    /// the whole transaction on that). Comments count: an element whose comment differs is deleted and added again.
    /// </summary>
    public static IReadOnlyList<string> Reconcile(string table, IEnumerable<(string Set, string Element)> present, IEnumerable<(string Set, string Element)> wanted)
    {
        var have = present.ToHashSet();
        var want = wanted.ToHashSet();
        return [.. ElementCommands("delete", table, have.Except(want)), .. ElementCommands("add", table, want.Except(have))];
    }

    /// <summary>Commands adding (or deleting) elements, one command per set.</summary>
    public static IEnumerable<string> ElementCommands(string verb, string table, IEnumerable<(string Set, string Element)> elements)
    {
        foreach (var group in elements.GroupBy(e => e.Set, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // A delete names the element only; comments are not part of its key.
            var items = group.Select(e => verb == "delete" ? StripComment(e.Element) : e.Element).Distinct(StringComparer.Ordinal);
            yield return $"{verb} element bridge {table} {group.Key} {{ {string.Join(", ", items)} }}";
        }
    }

    /// <summary>
    /// One transaction's lines with each run of consecutive element commands of one verb (<c>add element</c> or
    /// <c>delete element</c>) merged into one command per set, sets in the order they first appear, elements in order,
    /// each once. Within such a run no command depends on another, so the transaction does the same; nft parses and
    /// evaluates one command per set instead of one per set and step (a thousand zones' protection steps: 6,000
    /// commands, 6 after merging; the same transaction by the nft tool 80–93 ms as lines, 45–49 ms merged). Every
    /// other line stays where it is and ends a run. Pure.
    /// </summary>
    public static IReadOnlyList<string> MergeElementCommands(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var merged = new List<string>(lines.Count);
        string? verb = null;
        var sets = new List<(string Head, List<string> Elements, HashSet<string> Seen)>();
        void Flush()
        {
            merged.AddRange(sets.Select(set => $"{set.Head} {{ {string.Join(", ", set.Elements)} }}"));
            sets.Clear();
            verb = null;
        }

        foreach (var line in lines)
        {
            // "VERB element bridge TABLE SET { ELEMENTS }", as ElementCommands writes it.
            var open = line.IndexOf(" { ", StringComparison.Ordinal);
            var lineVerb = line.StartsWith("add element ", StringComparison.Ordinal) ? "add" : line.StartsWith("delete element ", StringComparison.Ordinal) ? "delete" : null;
            if (lineVerb is null || open < 0 || !line.EndsWith(" }", StringComparison.Ordinal) || line.AsSpan(0, open).Count(' ') != 4)
            {
                Flush();
                merged.Add(line);
                continue;
            }

            if (verb != lineVerb)
            {
                Flush();
                verb = lineVerb;
            }

            var head = line[..open];
            var index = sets.FindIndex(set => set.Head == head);
            if (index < 0)
            {
                sets.Add((head, [], new HashSet<string>(StringComparer.Ordinal)));
                index = sets.Count - 1;
            }

            var set = sets[index];
            var body = line[(open + 3)..^2];
            if (set.Seen.Add(body))
            {
                set.Elements.Add(body);
            }
        }

        Flush();
        return merged;
    }

    /// <summary>Parses canonical protection flags.</summary>
    public static Protection ParseFlags(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var flags = Protection.None;
        foreach (var token in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            flags |= SpecNames.ProtectionFlags.First(p => p.Name == token).Flag;
        }

        return flags;
    }

    /// <summary>An nft string literal.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string StripComment(string element)
    {
        var at = element.IndexOf(" comment ", StringComparison.Ordinal);
        return at < 0 ? element : element[..at];
    }

    /// <summary>An integer in invariant culture.</summary>
    internal static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);
}
