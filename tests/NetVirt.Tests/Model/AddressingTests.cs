using System.Net;
using System.Net.Sockets;
using NetVirt.Documents;
using NetVirt.Model.Addressing;
using NetVirt.Model.Ipam;
using NetVirt.Model.Spec;
using NetVirt.Model.Validation;
using NetVirt.Store;
using NetVirt.Tests.Support;

namespace NetVirt.Tests.Model;

/// <summary>
/// The one strict address parser every input goes through, prefix arithmetic at the widths where it broke (/31 /32
/// /127 /128), and what IPAM hands out there.
/// </summary>
public sealed class AddressingTests
{
    [Theory]
    [InlineData("10.100.0.10", "10.100.0.10")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("fd00::5", "fd00::5")]
    [InlineData("FD00:0100::0005", "fd00:100::5")]
    [InlineData("::ffff:10.0.0.1", "::ffff:10.0.0.1")]
    [InlineData("10.100.0.010", null)]   // read as octal 10.100.0.8 by IPAddress.Parse
    [InlineData("010.100.0.10", null)]
    [InlineData("10.100.0.00", null)]
    [InlineData("10.1", null)]
    [InlineData("0x0a000001", null)]
    [InlineData("167772161", null)]
    [InlineData("10.0.0.256", null)]
    [InlineData("10.0.0.1.5", null)]
    [InlineData("10.0.0.", null)]
    [InlineData(" 10.0.0.1", null)]
    [InlineData("10.0.0.1\n", null)]
    [InlineData("+10.0.0.1", null)]
    [InlineData("fd00::5%eth0", null)]
    [InlineData("[fd00::5]", null)]
    [InlineData("::ffff:10.0.0.010", null)]
    [InlineData("10.0.0.1/24", null)]
    [InlineData("", null)]
    public void TryParsePlain_AcceptsOnlyTheUsualForms(string text, string? expected)
    {
        var ok = IpAddressMath.TryParsePlain(text, out var address);

        Assert.Equal(expected is not null, ok);
        Assert.Equal(expected, address?.ToString());
    }

    [Theory]
    [InlineData("10.1.0.0/24", "10.1.0.0/24")]
    [InlineData("fd00::1/128", "fd00::1/128")]
    [InlineData("10.9.0.7/32", "10.9.0.7/32")]
    [InlineData("10.1.0.0/024", null)]
    [InlineData("10.1.0.0/+24", null)]
    [InlineData("10.1.0.0/33", null)]
    [InlineData("10.01.0.0/16", null)]
    [InlineData("10.1.0.5/24", null)]   // host bits
    public void TryParsePrefix_IsStrictToo(string text, string? expected)
    {
        var ok = IpAddressMath.TryParsePrefix(text, out var prefix, out _);

        Assert.Equal(expected is not null, ok);
        Assert.Equal(expected, prefix?.ToString());
    }

    [Fact]
    public void Document_LeadingZeroIpv4_IsAnErrorAtEveryPlaceAnAddressIsWritten()
    {
        var loaded = DocumentLoader.Load("zeros.yaml", """
            etherstubs: [{ name: stub0 }]
            networks:
              - name: n1
                over: stub0
                vlan: 5
                ipv4: { subnet: 10.100.0.0/24, gateway: 10.100.0.01, range: { start: 10.100.0.010, end: 10.100.0.200 } }
                reserved: [{ address: 10.100.0.050 }]
            zones:
              - name: web1
                routes: [{ to: 10.200.0.0/016, via: 10.100.0.1 }]
                vnics:
                  - name: net0
                    network: n1
                    allowed-ips: [10.100.0.09]
                    addresses: [{ tag: v4, address: 10.100.0.010 }]
            """);

        var paths = loaded.Errors.Where(e => e.Code is "value.invalid-address" or "value.invalid-cidr").Select(e => e.Path).Order(StringComparer.Ordinal);

        Assert.Equal(
            ["networks[0].ipv4.gateway", "networks[0].ipv4.range.start", "networks[0].reserved[0].address", "zones[0].routes[0].to",
             "zones[0].vnics[0].addresses[0].address", "zones[0].vnics[0].allowed-ips[0]"],
            paths);
        Assert.Contains("without leading zeros", loaded.Errors.First(e => e.Path == "networks[0].ipv4.gateway").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(32, "ffffffff")]
    [InlineData(31, "fffffffe")]
    public void NetworkMask_Ipv4_AtTheEnds(int prefix, string hex) =>
        Assert.Equal(UInt128.Parse(hex, System.Globalization.NumberStyles.HexNumber), IpAddressMath.NetworkMask(prefix, AddressFamily.InterNetwork));

    [Fact]
    public void NetworkMask_128_IsAllOnes()
    {
        // A shift by 128 is a shift by 0 for UInt128: the mask came out as 0 and a /128 covered every address.
        Assert.Equal(UInt128.MaxValue, IpAddressMath.NetworkMask(128, AddressFamily.InterNetworkV6));
        Assert.Equal(IpAddressMath.ToUInt128(IPAddress.Parse("fd00::1")), IpAddressMath.Last(IPNetwork.Parse("fd00::1/128")));
    }

    [Theory]
    [InlineData("10.9.0.0/31", null, "10.9.0.0-10.9.0.1", 2)]    // RFC 3021: no network or broadcast address
    [InlineData("10.9.0.7/32", null, "10.9.0.7", 1)]
    [InlineData("10.9.0.7/32", "10.9.0.7", "10.9.0.7", 0)]
    [InlineData("10.9.0.0/30", null, "10.9.0.1-10.9.0.2", 2)]
    [InlineData("fd00::/127", null, "fd00::-fd00::1", 2)]        // RFC 6164: no subnet-router anycast address
    [InlineData("fd00::1/128", null, "fd00::1", 1)]
    [InlineData("fd00::/126", null, "fd00::1-fd00::3", 3)]
    public void Rules_PointToPointAndHostSubnets_HandOutWhatTheyHold(string subnet, string? gateway, string range, int usable)
    {
        var spec = new SubnetSpec { Subnet = IPNetwork.Parse(subnet), Gateway = gateway is null ? null : IPAddress.Parse(gateway) };
        var network = new NetworkSpec { Name = "p2p", Over = "stub0", Ipv4 = spec.Family == AddressFamily.InterNetwork ? spec : null, Ipv6 = spec.Family == AddressFamily.InterNetworkV6 ? spec : null };

        var rules = new AllocationRules(network, spec);

        Assert.Equal(range, spec.EffectiveRange.ToString());
        Assert.Equal((UInt128)usable, rules.Usable);
    }

    [Theory]
    [InlineData("fd00::1/128", "fd00::1")]
    [InlineData("10.9.0.7/32", "10.9.0.7")]
    [InlineData("10.9.0.0/31", "10.9.0.0")]
    [InlineData("fd00::/127", "fd00::")]
    public void Store_AutoOnAHostOrPointToPointSubnet_GetsAnAddressInsideIt(string subnet, string expected)
    {
        // The defect: fd00::1/128 handed out fd00::2/128, outside the subnet.
        using var db = new TempDatabase();
        var store = db.Open();
        var family = subnet.Contains(':', StringComparison.Ordinal) ? "ipv6" : "ipv4";
        var model = Models.Parse($$"""
            etherstubs: [{ name: stub0 }]
            networks: [{ name: n1, over: stub0, vlan: 5, {{family}}: { subnet: "{{subnet}}" } }]
            zones:
              - name: z1
                vnics: [{ name: net0, network: n1, addresses: [{ tag: a, address: auto }] }]
            """);

        store.Replace(model, HostTarget.Linux);

        var address = store.Load().Resolved.Zones[0].Vnics[0].Addresses[0];
        Assert.Equal(expected, address.Address!.ToString());
        Assert.True(IpAddressMath.Contains(IPNetwork.Parse(subnet), address.Address));
    }

    [Fact]
    public void Validate_Slash0_AllocatedNothing()
    {
        // ::/0 used to validate and hand out ::1, the loopback address.
        var loaded = DocumentLoader.Load("zero.yaml", """
            etherstubs: [{ name: stub0 }]
            networks: [{ name: n1, over: stub0, vlan: 5, ipv6: { subnet: "::/0" } }]
            zones:
              - name: z1
                vnics: [{ name: net0, network: n1, addresses: [{ tag: a, address: auto }] }]
            """);

        var errors = DocumentValidation.Validate(loaded, HostTarget.Linux);

        Assert.Contains(errors, e => e.Code == "subnet.special-purpose" && e.Path == "networks[0].ipv6.subnet");
    }

    [Fact]
    public void Bandwidth_HugeNumber_IsAnErrorNotAnOverflow()
    {
        // 99999999999999999999G overflowed decimal while parsing: an internal OverflowException (exit 1, API 500).
        Assert.False(SpecNames.TryParseBandwidth("99999999999999999999G", out _));
        var loaded = DocumentLoader.Load("bw.yaml", """
            zones:
              - name: z1
                vnics: [{ name: net0, over: stub0, maxbw: 99999999999999999999G }]
            """);
        Assert.Contains(loaded.Errors, e => e.Code == "value.invalid-bandwidth" && e.Path == "zones[0].vnics[0].maxbw");
    }

    [Fact]
    public void MacPrefix_OffsetFor_IsTheDeploymentIdModuloTheSpace()
    {
        var prefix = MacPrefix.Parse("2:8:20");
        Assert.Equal(0x7b9c3dUL, prefix.OffsetFor("a1b2c3d4e57b9c3d"));
        Assert.Equal(0UL, prefix.OffsetFor("0000000000000000"));
        Assert.Equal(0x3dUL, MacPrefix.Parse("2:8:20:0:0").OffsetFor("a1b2c3d4e57b9c3d"));
    }
}
