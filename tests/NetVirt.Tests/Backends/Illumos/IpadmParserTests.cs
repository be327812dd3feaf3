using NetVirt.Backends.Illumos.Parsing;

namespace NetVirt.Tests.Backends.Illumos;

public sealed class IpadmParserTests
{
    [Fact]
    public void ParseShowAddr_Fixture_UnescapesIpv6AndKeepsSpecialObjects()
    {
        var addresses = IpadmParser.ParseShowAddr(Fixture.Read("ipadm-show-addr.txt"));

        Assert.Equal(10, addresses.Count);
        Assert.Equal(new AddressObserved("nv_net0/v6", "static", "ok", "fd10:100::11/64"), addresses[9]);
        Assert.Equal("fe80::8:20ff:feaa:1/10", addresses[8].Address);
        Assert.Equal("::1/128", addresses[7].Address);
        Assert.Equal(("nv_net1", "dhcp", "?"), (addresses[3].Interface, addresses[3].Tag, addresses[3].Address));
        Assert.Equal(("nv_net0", "?"), (addresses[6].Interface, addresses[6].Tag));
    }

    [Fact]
    public void ParseShowAddr_ObjectWithoutSlash_Throws()
    {
        Assert.Throws<FormatException>(() => IpadmParser.ParseShowAddr("net0:static:ok:10.0.0.1/24\n"));
    }

    [Fact]
    public void ParseShowIf_Fixture_ReadsNames()
    {
        Assert.Equal(["lo0", "nv_net0", "nv_net1", "net9"], IpadmParser.ParseShowIf(Fixture.Read("ipadm-show-if.txt")).Select(i => i.Name));
    }

    [Fact]
    public void ParseShowOneAddr_OneLine_ReturnsTypeAndAddress()
    {
        Assert.Equal(("static", "fd00::5/64"), IpadmParser.ParseShowOneAddr("static:fd00\\:\\:5/64\n"));
        Assert.Throws<FormatException>(() => IpadmParser.ParseShowOneAddr(""));
    }
}
