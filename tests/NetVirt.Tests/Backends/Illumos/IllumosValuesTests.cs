using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Addressing;
using NetVirt.Model.Spec;

namespace NetVirt.Tests.Backends.Illumos;

public sealed class IllumosValuesTests
{
    [Theory]
    [InlineData("2:8:20:a:0:1", "02:08:20:0a:00:01")]
    [InlineData("02:08:20:0A:00:01", "02:08:20:0a:00:01")]
    [InlineData("unknown", "")]
    public void ParseMac_UnpaddedOrUpperCase_NormalisesToPadded(string text, string expected)
    {
        Assert.Equal(expected, IllumosValues.ParseMac(text));
        Assert.Throws<FormatException>(() => IllumosValues.ParseMac("2-8-20-a-0-1"));
    }

    [Theory]
    [InlineData("  200", "200M")]
    [InlineData("    1.200", "1200K")]
    [InlineData(" 2500", "2500M")]
    [InlineData(" 1000", "1G")]
    [InlineData("  100.500", "100500K")]
    [InlineData("", "")]
    [InlineData("--", "")]
    public void ParseMaxBandwidth_PaddedMbps_NormalisesToDladmInput(string text, string expected)
    {
        Assert.Equal(expected, IllumosValues.ParseMaxBandwidth(text));
    }

    [Fact]
    public void MaxBandwidth_BothSides_Meet()
    {
        Assert.Equal(IllumosValues.MaxBandwidth(1_200_000), IllumosValues.ParseMaxBandwidth("    1.200"));
        Assert.Equal(IllumosValues.MaxBandwidth(200_000_000), IllumosValues.ParseMaxBandwidth("  200"));
        Assert.Equal("", IllumosValues.MaxBandwidth(null));
    }

    [Theory]
    [InlineData("ip-nospoof,mac-nospoof", "mac-nospoof,ip-nospoof")]
    [InlineData("DHCP-NOSPOOF,restricted,ip-nospoof,mac-nospoof", "mac-nospoof,restricted,ip-nospoof,dhcp-nospoof")]
    [InlineData("", "")]
    public void ParseProtection_AnyOrderAndCase_NormalisesToDladmOrder(string text, string expected)
    {
        Assert.Equal(expected, IllumosValues.ParseProtection(text));
        Assert.Throws<FormatException>(() => IllumosValues.ParseProtection("mac-nospoof,spoof"));
    }

    [Fact]
    public void ParseAllowedIps_BareAddressesAndOrder_NormaliseToSortedPrefixes()
    {
        Assert.Equal("10.0.0.5/32,10.0.8.0/24,fd00::5/128", IllumosValues.ParseAllowedIps("fd00::5,10.0.8.0/24,10.0.0.5"));
        Assert.Equal(IllumosValues.ParseAllowedIps("10.0.0.5/32,fd00::5/128"), IllumosValues.ParseAllowedIps("fd00::5/128,10.0.0.5"));
        Assert.Equal("", IllumosValues.ParseAllowedIps(""));
        Assert.Throws<FormatException>(() => IllumosValues.ParseAllowedIps("10.0.0.x"));
    }

    [Fact]
    public void ParsePriority_Case_IsLowered()
    {
        Assert.Equal("low", IllumosValues.ParsePriority("LOW"));
        Assert.Equal(IllumosValues.Priority(Priority.Medium), IllumosValues.ParsePriority("medium"));
        Assert.Throws<FormatException>(() => IllumosValues.ParsePriority("urgent"));
    }

    [Fact]
    public void ParseAddress_Ipv6_IsCompressedLowercase()
    {
        Assert.Equal("fd10:100::11/64", IllumosValues.ParseAddress("FD10:0100:0000::0011/64"));
        Assert.Equal(IllumosValues.Address(InterfaceAddress.Parse("10.0.0.5/24")), IllumosValues.ParseAddress("10.0.0.5/24"));
        Assert.Equal("", IllumosValues.ParseAddress("?"));
    }

    [Fact]
    public void ParseWordList_IsSortedAndLowered()
    {
        Assert.Equal("addrconf,dhcpv4", IllumosValues.ParseWordList("dhcpv4,ADDRCONF"));
    }
}
