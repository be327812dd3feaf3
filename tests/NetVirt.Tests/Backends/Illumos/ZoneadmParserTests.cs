using NetVirt.Backends.Illumos.Parsing;

namespace NetVirt.Tests.Backends.Illumos;

public sealed class ZoneadmParserTests
{
    [Fact]
    public void ParseList_SmartOs_SkipsGlobalAndIgnoresTrailingFields()
    {
        var zones = ZoneadmParser.ParseList(Fixture.Read("zoneadm-list-smartos.txt"));

        Assert.Equal(["acme-web1", "acme-web2", "old1", "we:ird"], zones.Select(z => z.Name));
        Assert.Equal(new ZoneObserved(3, "acme-web1", "running", "/zones/acme-web1", "joyent", "excl"), zones[0]);
        Assert.Equal(new ZoneObserved(null, "old1", "installed", "/zones/old1", "joyent", "excl"), zones[2]);
        Assert.Equal("/zones/we:ird", zones[3].Path);
        Assert.Equal("shared", zones[3].IpType);
    }

    [Fact]
    public void ParseList_Illumos_SevenFields()
    {
        var zones = ZoneadmParser.ParseList(Fixture.Read("zoneadm-list-illumos.txt"));

        Assert.Equal(new ZoneObserved(null, "acme-web2", "installed", "/zones/acme-web2", "lipkg", "excl"), zones[1]);
    }

    [Fact]
    public void ParseList_TooFewFields_Throws()
    {
        Assert.Throws<FormatException>(() => ZoneadmParser.ParseList("1:web:running:/zones/web\n"));
    }
}
