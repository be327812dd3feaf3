using NetVirt.Backends.Linux.Nftables;
using NetVirt.Model.Spec;

namespace NetVirt.Tests.Backends.Linux;

public sealed class NftJsonTests
{
    // Captured from `nft -j list table bridge nvt0a1` after NetVirt applied the shipped sample; its address sets
    // rewritten as hash sets (2026-12-07) through the real nft by Fixtures/relayout_nft.py.
    private static readonly NftTableObserved Sample = NftJson.Parse(LinuxFixture.Read("nft-list-table.json"));

    [Fact]
    public void Parse_TableNetVirtWrote_ReadsBackTheDesiredRulesAndSets()
    {
        Assert.Equal(NftRuleset.Rules, Sample.RuleText);
        Assert.Equal(NftRuleset.RulesProperty("nvt0a1-"), Sample.Rules);
        Assert.Equal(NftRuleset.SetsProperty, Sample.Sets);
    }

    [Fact]
    public void Parse_TableWithAddressesInIntervalSets_ReadsTheSameAddresses_AndDiffersInItsSets()
    {
        // The same table as an earlier version made it: every address in allowed4/allowed6 declared with flags interval.
        var earlier = NftJson.Parse(LinuxFixture.Read("nft-list-table-interval-sets.json"));
        Assert.NotEqual(NftRuleset.SetsProperty, earlier.Sets);
        Assert.Contains("allowed4:ifname . ipv4_addr:interval", earlier.Sets, StringComparison.Ordinal);
        Assert.Equal(Sample.Ports.Keys.Order(), earlier.Ports.Keys.Order());
        Assert.All(earlier.Ports, p => Assert.Equal(Sample.Ports[p.Key].Allowed.Order(), p.Value.Allowed.Order()));
        Assert.Contains(Sample.Ports.Values, p => p.Allowed.Count > 0);
    }

    [Fact]
    public void Parse_TableWithoutTheInputChain_DiffersFromTheDesired_SoAnApplyRewritesItsRules()
    {
        // A host applied before "host-isolated": its table lacks the input chain, and the next apply adds it.
        var before = NftJson.Parse(LinuxFixture.Read("nft-list-table-without-input.json"));
        Assert.Equal(NftRuleset.Rules, before.RuleText);
        Assert.NotEqual(NftRuleset.RulesProperty("nvt0a1-"), before.Rules);
        Assert.Contains("add chain bridge nvt0a1 input { type filter hook input priority -200; policy accept; }", NftRuleset.RewriteRules("nvt0a1", "nvt0a1-"));
        Assert.Contains("add rule bridge nvt0a1 input meta iifname == \"nvt0a1-*\" drop comment \"host-isolated\"", NftRuleset.RewriteRules("nvt0a1", "nvt0a1-"));
    }

    [Fact]
    public void Parse_Ports_CarryIdentityFlagsMacAndAllowedSources()
    {
        var api1 = Assert.Single(Sample.Ports.Values, p => p.Identity == "nvt0a1-z-initech-api1/net0");

        Assert.Equal(Protection.MacNospoof | Protection.IpNospoof | Protection.DhcpNospoof, api1.Flags);
        Assert.Equal(["02:08:20:30:00:01"], api1.Macs);
        Assert.Equal(["02:08:20:30:00:01"], api1.Chaddrs);
        Assert.Contains("10.30.0.2/32", api1.Allowed);
        Assert.Contains("fe80::8:20ff:fe30:1/128", api1.Allowed);
        Assert.Equal(10, Sample.Ports.Count);
    }

    [Fact]
    public void Elements_OfAProtection_AreWhatTheRulesLookUp()
    {
        var properties = NetVirt.Planning.Resources.PropertyBag.Of(
            ("port", "nv-v1234567"), ("protection", "mac-nospoof,ip-nospoof,dhcp-nospoof"), ("allowed-mac", "02:08:20:00:00:01"),
            ("dhcp-chaddr", "02:08:20:00:00:01"), ("allowed-ips", "10.0.0.5/32,fd00::5/128,10.9.0.0/16,fd09::/48"));

        var elements = NftRuleset.Elements("nv-z-web1/net0", properties).ToList();

        Assert.Contains(("vnics", "\"nv-v1234567\" comment \"nv-z-web1/net0\""), elements);
        Assert.Contains(("macs", "\"nv-v1234567\" . 02:08:20:00:00:01"), elements);
        Assert.Contains(("chaddr", "\"nv-v1234567\" . 0x020820000001"), elements);
        // One address in the hash set, bare; a wider prefix in the interval set (NftRuleset.Allowed4 says why).
        Assert.Contains(("allowed4", "\"nv-v1234567\" . 10.0.0.5"), elements);
        Assert.Contains(("allowed6", "\"nv-v1234567\" . fd00::5"), elements);
        Assert.Contains(("allowed4_nets", "\"nv-v1234567\" . 10.9.0.0/16"), elements);
        Assert.Contains(("allowed6_nets", "\"nv-v1234567\" . fd09::/48"), elements);
        Assert.DoesNotContain(elements, e => e.Set == "restricted_ports");
        var delete = NftRuleset.ElementCommands("delete", "nv", elements).Single(c => c.Contains(" vnics ", StringComparison.Ordinal));
        Assert.Equal("delete element bridge nv vnics { \"nv-v1234567\" }", delete);
    }
    [Fact]
    public void MergeElementCommands_RunsOfOneVerb_BecomeOneCommandPerSet_OtherLinesKeepTheirPlace()
    {
        string[] lines =
        [
            "add table bridge nv { comment \"x\"; }",
            "add element bridge nv vnics { \"nv-v1\" comment \"nv-z-a/net0\" }",
            "add element bridge nv macs { \"nv-v1\" . 02:08:20:00:00:01 }",
            "add element bridge nv vnics { \"nv-v2\" comment \"nv-z-b/net0\" }",
            "add element bridge nv vnics { \"nv-v2\" comment \"nv-z-b/net0\" }",
            "delete element bridge nv macs { \"nv-v3\" . 02:08:20:00:00:03 }",
            "delete element bridge nv macs { \"nv-v4\" . 02:08:20:00:00:04 }",
            "add element bridge nv macs { \"nv-v3\" . 02:08:20:00:00:05 }",
            "flush chain bridge nv prerouting",
            "add element bridge nv vnics { \"nv-v5\" }",
        ];

        var merged = NftRuleset.MergeElementCommands(lines);

        Assert.Equal(
        [
            "add table bridge nv { comment \"x\"; }",
            "add element bridge nv vnics { \"nv-v1\" comment \"nv-z-a/net0\", \"nv-v2\" comment \"nv-z-b/net0\" }",
            "add element bridge nv macs { \"nv-v1\" . 02:08:20:00:00:01 }",
            // A delete between adds stays between them: an element deleted and added again (a new comment) keeps that order.
            "delete element bridge nv macs { \"nv-v3\" . 02:08:20:00:00:03, \"nv-v4\" . 02:08:20:00:00:04 }",
            "add element bridge nv macs { \"nv-v3\" . 02:08:20:00:00:05 }",
            "flush chain bridge nv prerouting",
            "add element bridge nv vnics { \"nv-v5\" }",
        ], merged);
    }

    [Fact]
    public void MergeElementCommands_OfProtectionSteps_AddTheSameElements()
    {
        var properties = NetVirt.Planning.Resources.PropertyBag.Of(
            ("port", "nv-v1234567"), ("protection", "mac-nospoof,ip-nospoof,dhcp-nospoof"), ("allowed-mac", "02:08:20:00:00:01"),
            ("dhcp-chaddr", "02:08:20:00:00:01"), ("allowed-ips", "10.0.0.5/32,fd00::5/128"));
        var other = NetVirt.Planning.Resources.PropertyBag.Of(
            ("port", "nv-v7654321"), ("protection", "mac-nospoof,ip-nospoof"), ("allowed-mac", "02:08:20:00:00:02"), ("allowed-ips", "10.0.0.6/32"));
        var first = NftRuleset.Elements("nv-z-web1/net0", properties).ToList();
        var second = NftRuleset.Elements("nv-z-web2/net0", other).ToList();
        string[] separate = [.. NftRuleset.ElementCommands("add", "nv", first), .. NftRuleset.ElementCommands("add", "nv", second)];

        var merged = NftRuleset.MergeElementCommands(separate);

        Assert.Equal(NftRuleset.ElementCommands("add", "nv", [.. first, .. second]).Order(StringComparer.Ordinal), merged.Order(StringComparer.Ordinal));
    }
}
