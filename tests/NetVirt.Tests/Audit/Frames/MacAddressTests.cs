using System.Net;
using NetVirt.Audit.Frames;

namespace NetVirt.Tests.Audit.Frames;

public sealed class MacAddressTests
{
    [Theory]
    [InlineData("02:00:5e:10:00:0a", "02:00:5e:10:00:0a")]
    [InlineData("02-00-5E-10-00-0A", "02:00:5e:10:00:0a")]
    [InlineData("ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff")]
    public void Parse_ValidText_RoundTripsToLowerCaseColonForm(string text, string expected)
    {
        Assert.Equal(expected, MacAddress.Parse(text).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("02:00:5e:10:00")]
    [InlineData("02:00:5e:10:00:0g")]
    [InlineData("02:00:5e:10:00:0a:")]
    [InlineData("0200.5e10.000a.")]
    public void TryParse_InvalidText_ReturnsFalse(string text)
    {
        Assert.False(MacAddress.TryParse(text, out _));
    }

    [Fact]
    public void Bytes_WriteAndRead_RoundTrip()
    {
        var mac = MacAddress.Parse("02:00:5e:10:00:0a");

        var bytes = mac.ToArray();

        Assert.Equal(new byte[] { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x0a }, bytes);
        Assert.Equal(mac, new MacAddress(bytes));
    }

    [Fact]
    public void Flags_BroadcastMulticastLocal_AreReported()
    {
        Assert.True(MacAddress.Broadcast.IsBroadcast);
        Assert.True(MacAddress.Broadcast.IsMulticast);
        Assert.True(MacAddress.Parse("33:33:00:00:00:01").IsMulticast);
        Assert.False(MacAddress.Parse("02:00:5e:10:00:0a").IsMulticast);
        Assert.True(MacAddress.Parse("02:00:5e:10:00:0a").IsLocallyAdministered);
        Assert.False(MacAddress.Parse("00:16:3e:00:00:01").IsLocallyAdministered);
    }

    [Fact]
    public void ForIpv6Multicast_SolicitedNodeGroup_MapsLow32Bits()
    {
        var group = NeighborSolicitation.SolicitedNodeAddress(IPAddress.Parse("2001:db8::12:3456"));

        Assert.Equal(IPAddress.Parse("ff02::1:ff12:3456"), group);
        Assert.Equal(MacAddress.Parse("33:33:ff:12:34:56"), MacAddress.ForIpv6Multicast(group));
    }

    [Fact]
    public void ForIpv6Multicast_UnicastAddress_Throws()
    {
        Assert.Throws<ArgumentException>(() => MacAddress.ForIpv6Multicast(IPAddress.Parse("2001:db8::1")));
    }
}
