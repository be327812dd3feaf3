using System.Net;
using NetVirt.Backends.Illumos;
using NetVirt.Backends.Illumos.Commands;
using NetVirt.Model.Addressing;

namespace NetVirt.Tests.Backends.Illumos;

/// <summary>Argv goldens, one per operation: exactly what runs (absolute paths, no shell, -t everywhere).</summary>
public sealed class IllumosCommandsTests
{
    [Fact]
    public void Observation_Commands() => Assert.Equal(
    [
        "/usr/sbin/dladm help",
        "/usr/sbin/dladm show-link -p -o link,class,mtu,state,over",
        "/usr/sbin/dladm show-link -p -o class nv_stub0",
        "/usr/sbin/dladm show-vnic -p -o link,over,macaddress,vid,zone",
        "/usr/sbin/dladm show-vnic -p -o link,over,macaddress,vid",
        "/usr/sbin/dladm show-linkprop -c -o link,property,value -p zone,mtu,maxbw,priority,protection,allowed-ips,dynamic-methods",
        "/usr/sbin/dladm show-linkprop -c -o link,property,value -p zone,mtu,maxbw,priority,protection,allowed-ips",
        "/usr/sbin/zoneadm list -cp",
        "/usr/sbin/ipadm show-if -p -o ifname,state",
        "/usr/sbin/zlogin web1 /usr/sbin/ipadm show-addr -p -o addrobj,type,state,addr",
        "/usr/sbin/zlogin web1 /usr/sbin/ipadm show-addr -p -o type,addr nv_net0/v4",
        "/usr/sbin/zlogin web1 /usr/bin/netstat -rnv",
    ],
    [
        IllumosCommands.Help().ToString(),
        IllumosCommands.ShowLink().ToString(),
        IllumosCommands.ShowLinkClass("nv_stub0").ToString(),
        IllumosCommands.ShowVnic(IllumosVariant.SmartOs).ToString(),
        IllumosCommands.ShowVnic(IllumosVariant.Illumos).ToString(),
        IllumosCommands.ShowLinkProp(IllumosVariant.SmartOs).ToString(),
        IllumosCommands.ShowLinkProp(IllumosVariant.Illumos).ToString(),
        IllumosCommands.ListZones().ToString(),
        IllumosCommands.ShowIf(null).ToString(),
        IllumosCommands.ShowAddr("web1").ToString(),
        IllumosCommands.ShowOneAddr("web1", "nv_net0/v4").ToString(),
        IllumosCommands.ShowRoutes("web1").ToString(),
    ]);

    [Fact]
    public void Etherstub_Commands()
    {
        Assert.Equal(["/usr/sbin/dladm", "create-etherstub", "-t", "nv_stub0"], IllumosCommands.CreateEtherstub("nv_stub0").Argv);
        Assert.Equal(["/usr/sbin/dladm", "delete-etherstub", "-t", "nv_stub0"], IllumosCommands.DeleteEtherstub("nv_stub0").Argv);
    }

    [Fact]
    public void CreateVnic_TaggedWithMacAndProperties()
    {
        var command = IllumosCommands.CreateVnic("web0", "stub0", MacAddress.Parse("02:08:20:aa:00:01"), 120,
            [("mtu", "1500"), ("maxbw", "200M"), ("priority", "low"), ("zone", "web")]);

        Assert.Equal(["/usr/sbin/dladm", "create-vnic", "-t", "-l", "stub0", "-m", "2:8:20:aa:0:1", "-v", "120", "-p", "mtu=1500,maxbw=200M,priority=low,zone=web", "web0"], command.Argv);
    }

    [Fact]
    public void CreateVnic_UntaggedWithoutMac_HasNoVlanAndNoMac()
    {
        // vlan_id 0 means untagged: no -v (dladm refuses -v 0); no MAC means dladm's auto.
        Assert.Equal(["/usr/sbin/dladm", "create-vnic", "-t", "-l", "nv_mgmt0", "-p", "mtu=1500", "nv_gw_mgmt0_0"],
            IllumosCommands.CreateVnic("nv_gw_mgmt0_0", "nv_mgmt0", null, 0, [("mtu", "1500")]).Argv);
    }

    [Fact]
    public void LinkProperties_ListValuesRideOnTheirProperty()
    {
        Assert.Equal(["/usr/sbin/dladm", "set-linkprop", "-t", "-z", "web1", "-p", "protection=mac-nospoof,ip-nospoof,allowed-ips=10.0.0.5/32,fd00::5/128", "nv_net0"],
            IllumosCommands.SetLinkProp("nv_net0", "web1", [("protection", "mac-nospoof,ip-nospoof"), ("allowed-ips", "10.0.0.5/32,fd00::5/128")]).Argv);
        Assert.Equal(["/usr/sbin/dladm", "set-linkprop", "-t", "-p", "mtu=9000", "nv_stub0"], IllumosCommands.SetLinkProp("nv_stub0", null, [("mtu", "9000")]).Argv);
        Assert.Equal(["/usr/sbin/dladm", "reset-linkprop", "-t", "-z", "web1", "-p", "maxbw,allowed-ips", "nv_net0"],
            IllumosCommands.ResetLinkProp("nv_net0", "web1", ["maxbw", "allowed-ips"]).Argv);
    }

    [Fact]
    public void PropertyList_EmptyValueOrEquals_IsRefused()
    {
        // dladm rejects the whole list for an empty value; reset-linkprop is the way to clear.
        Assert.Throws<ArgumentException>(() => IllumosCommands.PropertyList([("maxbw", "")]));
        Assert.Throws<ArgumentException>(() => IllumosCommands.PropertyList([("zone", "a=b")]));
    }

    [Fact]
    public void DeleteVnic_SmartOsZoneLink_UsesDashZ()
    {
        Assert.Equal(["/usr/sbin/dladm", "delete-vnic", "-t", "-z", "web1", "nv_net0"], IllumosCommands.DeleteVnic("nv_net0", "web1").Argv);
        Assert.Equal(["/usr/sbin/dladm", "delete-vnic", "-t", "nv_web1_net0"], IllumosCommands.DeleteVnic("nv_web1_net0", null).Argv);
    }

    [Fact]
    public void IpInterface_Commands()
    {
        Assert.Equal(["/usr/sbin/zlogin", "web1", "/usr/sbin/ipadm", "create-if", "-t", "nv_net0"], IllumosCommands.CreateIf("web1", "nv_net0").Argv);
        Assert.Equal(["/usr/sbin/ipadm", "delete-if", "nv_gw_stub0_100"], IllumosCommands.DeleteIf(null, "nv_gw_stub0_100").Argv);
    }

    [Fact]
    public void Address_Commands()
    {
        Assert.Equal(["/usr/sbin/zlogin", "web1", "/usr/sbin/ipadm", "create-addr", "-t", "-T", "static", "-a", "fd00::5/64", "nv_net0/v6"],
            IllumosCommands.CreateStaticAddr("web1", "nv_net0/v6", InterfaceAddress.Parse("fd00::5/64")).Argv);
        Assert.Equal(["/usr/sbin/zlogin", "web1", "/usr/sbin/ipadm", "create-addr", "-t", "-T", "dhcp", "nv_net0/v4"], IllumosCommands.CreateDhcpAddr("web1", "nv_net0/v4").Argv);
        Assert.Equal(["/usr/sbin/zlogin", "web1", "/usr/sbin/ipadm", "create-addr", "-t", "-T", "addrconf", "nv_net0/v6"],
            IllumosCommands.CreateAddrconfAddr("web1", "nv_net0/v6", linkLocalOnly: false).Argv);
        Assert.Equal(["/usr/sbin/ipadm", "create-addr", "-t", "-T", "addrconf", "-p", "stateless=no,stateful=no", "nv_gw_stub0_100/ll"],
            IllumosCommands.CreateAddrconfAddr(null, "nv_gw_stub0_100/ll", linkLocalOnly: true).Argv);
        Assert.Equal(["/usr/sbin/zlogin", "web1", "/usr/sbin/ipadm", "delete-addr", "nv_net0/v4"], IllumosCommands.DeleteAddr("web1", "nv_net0/v4").Argv);
    }

    [Fact]
    public void Route_Commands()
    {
        Assert.Equal(["/usr/sbin/zlogin", "web1", "/usr/sbin/route", "add", "default", "10.0.0.1"],
            IllumosCommands.AddRoute("web1", IPNetwork.Parse("0.0.0.0/0"), IPAddress.Parse("10.0.0.1")).Argv);
        Assert.Equal(["/usr/sbin/zlogin", "web1", "/usr/sbin/route", "add", "-inet6", "fd00:1::/48", "fd00::1"],
            IllumosCommands.AddRoute("web1", IPNetwork.Parse("fd00:1::/48"), IPAddress.Parse("fd00::1")).Argv);
        Assert.Equal(["/usr/sbin/zlogin", "web1", "/usr/sbin/route", "delete", "10.1.0.0/16", "10.0.0.1"],
            IllumosCommands.DeleteRoute("web1", IPNetwork.Parse("10.1.0.0/16"), IPAddress.Parse("10.0.0.1")).Argv);
    }

    [Fact]
    public void InZone_QuotesWordsTheZoneShellWouldSplit()
    {
        Assert.Equal(["/usr/sbin/zlogin", "web1", "/bin/echo", "'a b'", "'it'\\''s'"], IllumosCommands.InZone("web1", "/bin/echo", "a b", "it's").Argv);
    }
}
