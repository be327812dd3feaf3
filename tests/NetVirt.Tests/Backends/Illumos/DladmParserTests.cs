using NetVirt.Backends.Illumos;
using NetVirt.Backends.Illumos.Parsing;

namespace NetVirt.Tests.Backends.Illumos;

public sealed class DladmParserTests
{
    [Fact]
    public void ParseShowLink_Fixture_ReadsEveryClass()
    {
        var links = DladmParser.ParseShowLink(Fixture.Read("dladm-show-link.txt"));

        Assert.Equal(11, links.Count);
        Assert.Equal(new DatalinkObserved("e1000g1", "phys", 9000, "up", ""), links[1]);
        Assert.Equal(new DatalinkObserved("nv_mgmt0", "etherstub", 1500, "up", ""), links[4]);
        Assert.Equal(new DatalinkObserved("aggr1", "aggr", 1500, "up", "e1000g0,e1000g1"), links[8]);
        Assert.Equal("nv_stub0", links[6].Over);
    }

    [Fact]
    public void ParseShowLink_UnknownMtu_IsNull()
    {
        Assert.Null(Assert.Single(DladmParser.ParseShowLink("x0:phys:?:unknown:\n")).Mtu);
    }

    [Fact]
    public void ParseShowVnic_SmartOs_ReadsZoneColumnAndEscapedMacs()
    {
        var vnics = DladmParser.ParseShowVnic(Fixture.Read("dladm-show-vnic-smartos.txt"), withZone: true);

        Assert.Equal(6, vnics.Count);
        Assert.Equal(new VnicObserved("nv_gw_stub0_100", "nv_stub0", "2:8:20:f0:0:1", 100, "global"), vnics[0]);
        Assert.Equal(new VnicObserved("nv_net0", "nv_stub0", "2:8:20:aa:0:2", 100, "acme-web2"), vnics[3]);
        Assert.Equal("4f2c1a0e-5d3b-4c1e-9b1a-0e2f4c1a0e5d", vnics[4].Zone);
        Assert.Equal("2:8:20:5d:f:1", vnics[5].MacAddress);
    }

    [Fact]
    public void ParseShowVnic_Illumos_HasNoZone()
    {
        var vnics = DladmParser.ParseShowVnic(Fixture.Read("dladm-show-vnic-illumos.txt"), withZone: false);

        Assert.Equal(5, vnics.Count);
        Assert.All(vnics, v => Assert.Null(v.Zone));
        Assert.Equal(new VnicObserved("nv_acme_web1_net1", "nv_mgmt0", "2:8:20:aa:1:1", 0, null), vnics[2]);
    }

    [Fact]
    public void ParseShowVnic_SmartOsOutputReadAsIllumos_FailsOnFieldCount()
    {
        Assert.Throws<FormatException>(() => DladmParser.ParseShowVnic(Fixture.Read("dladm-show-vnic-smartos.txt"), withZone: false));
    }

    [Fact]
    public void ParseShowVnic_BadVid_Throws()
    {
        Assert.Throws<FormatException>(() => DladmParser.ParseShowVnic("v0:e0:2\\:8\\:20\\:0\\:0\\:1:5000\n", withZone: false));
    }

    [Fact]
    public void ParseShowLinkProp_SmartOs_GroupsRecordsPerLinkAndZone()
    {
        var records = DladmParser.ParseShowLinkProp(Fixture.Read("dladm-show-linkprop-smartos.txt"), DladmParser.SmartOsLinkProperties);

        Assert.Equal(7, records.Count);
        Assert.Equal(["e1000g0", "nv_stub0", "nv_gw_stub0_100", "nv_net0", "nv_net1", "nv_net0", "net0"], records.Select(r => r.Link));
        var web1 = records[3];
        Assert.Equal("acme-web1", web1.Zone);
        Assert.Equal("  200", web1["maxbw"]);
        Assert.Equal("10.100.0.11/32,fd10:100::11/128,fe80::8:20ff:feaa:1/128", web1["allowed-ips"]);
        Assert.Equal("    1.200", records[4]["maxbw"]);
        Assert.Equal("dhcpv4", records[4]["dynamic-methods"]);
        Assert.Equal("acme-web2", records[5].Zone);
        Assert.Equal("global", records[0].Zone);
    }

    [Fact]
    public void ParseShowLinkProp_Illumos_ReadsTheZoneProperty()
    {
        var records = DladmParser.ParseShowLinkProp(Fixture.Read("dladm-show-linkprop-illumos.txt"), DladmParser.LinkProperties);

        Assert.Equal(7, records.Count);
        Assert.Equal("acme-web1", records[3].Zone);
        Assert.Equal("global", records[5].Zone);
        Assert.Null(records[3]["dynamic-methods"]);
    }

    [Fact]
    public void ParseShowLinkProp_RecordsOutOfOrder_Throws()
    {
        var text = "a:zone:\na:mtu:1500\nb:zone:\nb:mtu:1500\n";
        var swapped = "a:zone:\nb:mtu:1500\n";

        Assert.Equal(2, DladmParser.ParseShowLinkProp(text, ["zone", "mtu"]).Count);
        Assert.Throws<FormatException>(() => DladmParser.ParseShowLinkProp(swapped, ["zone", "mtu"]));
        Assert.Throws<FormatException>(() => DladmParser.ParseShowLinkProp("a:zone:\n", ["zone", "mtu"]));
    }

    [Theory]
    [InlineData("dladm-help-smartos.txt", IllumosVariant.SmartOs)]
    [InlineData("dladm-help-illumos.txt", IllumosVariant.Illumos)]
    public void ParseHelp_Fixture_TellsTheVariant(string fixture, IllumosVariant expected)
    {
        Assert.Equal(expected, DladmParser.ParseHelp(Fixture.Read(fixture)));
    }

    [Fact]
    public void ParseHelp_NoShowVnic_IsNull()
    {
        Assert.Null(DladmParser.ParseHelp("usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n"));
    }
}
