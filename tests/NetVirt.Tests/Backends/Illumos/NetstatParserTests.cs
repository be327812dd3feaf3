using System.Net;
using NetVirt.Backends.Illumos.Parsing;

namespace NetVirt.Tests.Backends.Illumos;

public sealed class NetstatParserTests
{
    [Fact]
    public void ParseRoutes_Fixture_ReadsBothTablesWithMasksAndBlankDevices()
    {
        var routes = NetstatParser.ParseRoutes(Fixture.Read("netstat-rnv.txt"));

        Assert.Equal(13, routes.Count);
        Assert.Null(routes[12].Interface);
        Assert.Equal(new RouteObserved(IPNetwork.Parse("0.0.0.0/0"), IPAddress.Parse("10.100.0.1"), "UG", null), routes[0]);
        Assert.Equal(new RouteObserved(IPNetwork.Parse("10.50.0.0/16"), IPAddress.Parse("10.100.0.254"), "UG", "nv_net0"), routes[1]);
        Assert.Equal(IPNetwork.Parse("127.0.0.1/32"), routes[2].Destination);
        Assert.False(routes[3].IsGatewayRoute);
        Assert.Equal(new RouteObserved(IPNetwork.Parse("::/0"), IPAddress.Parse("fd10:100::1"), "UG", null), routes[9]);
        Assert.Equal(new RouteObserved(IPNetwork.Parse("2001:db8:aaaa:bbbb:cccc:dddd::/96"), IPAddress.Parse("fe80::1"), "UG", "nv_net0"), routes[10]);
    }

    [Fact]
    public void ParseRoutes_NonContiguousMask_Throws()
    {
        const string text = "IRE Table: IPv4\n  Destination Mask Gateway Device MTU Ref Flg Out In/Fwd\n---- ----\n10.0.0.0 255.0.255.0 10.0.0.1 net0 1500 1 UG 0 0\n";
        Assert.Throws<FormatException>(() => NetstatParser.ParseRoutes(text));
    }

    [Fact]
    public void ParseRoutes_Empty_IsNoRoutes()
    {
        Assert.Empty(NetstatParser.ParseRoutes(""));
    }
}
