using NetVirt.Backends.Commands;
using NetVirt.Backends.Illumos;
using NetVirt.Model.Errors;

namespace NetVirt.Tests.Backends.Illumos;

/// <summary>The simulated host answers as the reference says dladm, ipadm, zlogin and route do.</summary>
public sealed class SimulatedIllumosHostTests
{
    private static async Task<CommandResult> Run(SimulatedIllumosHost host, string executable, params string[] args) =>
        await host.RunAsync(CommandSpec.Of(executable, args), CancellationToken.None);

    private static async Task<SimulatedIllumosHost> HostWithStub(IllumosVariant variant)
    {
        var host = SimulatedIllumosHost.Create(variant);
        host.AddZone("web1");
        await Run(host, IllumosTools.Dladm, "create-etherstub", "-t", "stub0");
        return host;
    }

    [Theory]
    [InlineData("web-1", "dladm: invalid link name 'web-1'\n")]
    [InlineData("net01", "dladm: invalid link name 'net01'\n")]
    [InlineData("vnic", "dladm: invalid link name 'vnic'\n")]
    [InlineData("a234567890123456789012345678901", null)]
    [InlineData("a2345678901234567890123456789012", "dladm: link name too long 'a2345678901234567890123456789012'\n")]
    public async Task CreateVnic_LinkNames_FollowDladmValidLinkname(string name, string? error)
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);

        var result = await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", name);

        Assert.Equal(error is null ? 0 : 1, result.ExitCode);
        Assert.Equal(error ?? "", result.Stderr);
    }

    [Fact]
    public async Task CreateVnic_Errors_HaveTheReferenceTexts()
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);
        await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-m", "2:8:20:0:0:1", "web0");

        Assert.Equal("dladm: vnic creation over stub0 failed: object already exists\n", (await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "web0")).Stderr);
        Assert.Equal("dladm: vnic creation over stub0 failed: MAC address is already in use\n", (await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-m", "2:8:20:0:0:1", "web1")).Stderr);
        Assert.Equal("dladm: invalid link name 'nosuch0'\n", (await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "nosuch0", "web2")).Stderr);
        Assert.Equal("dladm: invalid VLAN identifier '0'\n", (await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-v", "0", "web2")).Stderr);
        Assert.Equal("dladm: vnic creation over web0 failed: invalid argument\n", (await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "web0", "web2")).Stderr);
        Assert.Equal("dladm: invalid vnic property\n", (await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-p", "maxbw=", "web2")).Stderr);
        Assert.Equal("dladm: warning: cannot set link property 'zone' on 'web2': change cannot be persistent\ndladm: vnic creation over stub0 failed: change cannot be persistent\n",
            (await Run(host, IllumosTools.Dladm, "create-vnic", "-l", "stub0", "-p", "zone=web1", "web2")).Stderr);
        Assert.Equal("dladm: warning: cannot set link property 'maxbw' on 'web2': minimum value for maxbw is 1200K\ndladm: vnic creation over stub0 failed: minimum value for maxbw is 1200K\n",
            (await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-p", "maxbw=1M", "web2")).Stderr);
        Assert.DoesNotContain("web2", host.Snapshot(), StringComparison.Ordinal); // a VNIC whose properties fail is rolled back whole
    }

    [Fact]
    public async Task CreateVnic_WithoutMtu_InheritsTheEtherstubs9000()
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);

        await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "web0");

        Assert.Equal("9000\n", (await Run(host, IllumosTools.Dladm, "show-link", "-p", "-o", "mtu", "web0")).Stdout);
    }

    [Fact]
    public async Task ShowLinkProp_MaxbwAndAllowedIps_ReadBackInDladmsFormat()
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);
        await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-p", "maxbw=1200K,allowed-ips=fd00::5,10.0.0.5,protection=ip-nospoof,mac-nospoof", "web0");

        var result = await Run(host, IllumosTools.Dladm, "show-linkprop", "-c", "-o", "property,value", "-p", "maxbw,allowed-ips,protection", "web0");

        Assert.Equal("maxbw:    1.200\nallowed-ips:fd00\\:\\:5/128,10.0.0.5/32\nprotection:mac-nospoof,ip-nospoof\n", result.Stdout);
    }

    [Fact]
    public async Task DeleteEtherstub_WithVnics_IsLinkBusy()
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);
        await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "web0");

        Assert.Equal("dladm: vnic deletion failed: link busy\n", (await Run(host, IllumosTools.Dladm, "delete-etherstub", "-t", "stub0")).Stderr);
        Assert.Equal("dladm: 'web0' is not an etherstub\n", (await Run(host, IllumosTools.Dladm, "delete-etherstub", "-t", "web0")).Stderr);
        Assert.Equal("dladm: 'stub0' is not a vnic\n", (await Run(host, IllumosTools.Dladm, "delete-vnic", "-t", "stub0")).Stderr);
        Assert.Equal("dladm: etherstub creation failed: object already exists\n", (await Run(host, IllumosTools.Dladm, "create-etherstub", "-t", "stub0")).Stderr);
    }

    [Fact]
    public async Task DeleteVnic_WithIpPlumbed_IsLinkBusy()
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);
        await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-p", "zone=web1", "net0");
        Assert.True((await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Ipadm, "create-if", "-t", "net0")).Succeeded);

        Assert.Equal("dladm: vnic deletion failed: link busy\n", (await Run(host, IllumosTools.Dladm, "delete-vnic", "-t", "-z", "web1", "net0")).Stderr);
    }

    [Fact]
    public async Task ZoneLink_SmartOs_IsNamedWithDashZOnly()
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);
        await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-p", "zone=web1", "net0");

        Assert.Equal("dladm: link net0 is not valid: object not found\n", (await Run(host, IllumosTools.Dladm, "set-linkprop", "-t", "-p", "maxbw=10M", "net0")).Stderr);
        Assert.True((await Run(host, IllumosTools.Dladm, "set-linkprop", "-t", "-z", "web1", "-p", "maxbw=10M", "net0")).Succeeded);
        Assert.Equal("net0:web1\n", (await Run(host, IllumosTools.Dladm, "show-vnic", "-p", "-o", "link,zone")).Stdout);

        // Links are keyed by (zone, name): the global zone may create another net0.
        Assert.True((await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "net0")).Succeeded);
        Assert.Equal("net0:web1\nnet0:--\n", (await Run(host, IllumosTools.Dladm, "show-vnic", "-p", "-o", "link,zone")).Stdout);
    }

    [Fact]
    public async Task ZoneLink_Upstream_HasNoDashZAndNoZoneColumn()
    {
        var host = await HostWithStub(IllumosVariant.Illumos);
        await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-p", "zone=web1", "net0");

        Assert.StartsWith("dladm: unrecognized option '-z'", (await Run(host, IllumosTools.Dladm, "delete-vnic", "-t", "-z", "web1", "net0")).Stderr, StringComparison.Ordinal);
        Assert.Equal("dladm: unknown output field: `zone'\n", (await Run(host, IllumosTools.Dladm, "show-vnic", "-p", "-o", "link,zone")).Stderr);
        Assert.Equal("dladm: invalid link name 'net0'\n", (await Run(host, IllumosTools.Dladm, "delete-vnic", "-t", "net0")).Stderr);
        Assert.Equal("dladm: warning: invalid link property 'dynamic-methods'\n", (await Run(host, IllumosTools.Dladm, "show-linkprop", "-c", "-o", "value", "-p", "dynamic-methods")).Stderr);
        // The zone link property tells who holds a link (empty for the global zone; one field: raw lines).
        Assert.Equal("\n\n\nweb1\n", (await Run(host, IllumosTools.Dladm, "show-linkprop", "-c", "-o", "value", "-p", "zone")).Stdout);
    }

    [Fact]
    public async Task ParseableMode_FieldErrors_FollowLibofmt()
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);

        Assert.Equal("dladm: output fields must be specified in parsable mode\n", (await Run(host, IllumosTools.Dladm, "show-vnic", "-p")).Stderr);
        Assert.Equal("dladm: -p requires -o\n", (await Run(host, IllumosTools.Dladm, "show-link", "-p")).Stderr);
        Assert.Equal("dladm: unknown output field: `foo'\n", (await Run(host, IllumosTools.Dladm, "show-link", "-p", "-o", "link,foo")).Stderr);
        Assert.Equal("dladm: \"-o all\" is invalid with -p\n", (await Run(host, IllumosTools.Dladm, "show-link", "-p", "-o", "all")).Stderr);
    }

    [Fact]
    public async Task Ipadm_Errors_WriteTheNewlineToStdout()
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);
        await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-p", "zone=web1", "net0");
        await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Ipadm, "create-addr", "-t", "-T", "static", "-a", "10.0.0.5/24", "net0/v4");

        var exists = await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Ipadm, "create-addr", "-t", "-T", "static", "-a", "10.0.0.6/24", "net0/v4");
        Assert.Equal((1, "ipadm: Could not create address: Address object already exists", "\n"), (exists.ExitCode, exists.Stderr, exists.Stdout));
        Assert.Equal("ipadm: Could not create net0 : Interface already exists", (await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Ipadm, "create-if", "-t", "net0")).Stderr);
        Assert.Equal("ipadm: could not delete address: Object not found", (await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Ipadm, "delete-addr", "net0/v9")).Stderr);
        Assert.Equal("ipadm: Could not delete net9: Interface does not exist", (await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Ipadm, "delete-if", "net9")).Stderr);
        Assert.Equal("ipadm: Error in creating address object: Invalid argument provided", (await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Ipadm, "create-addr", "-t", "-T", "dhcp", "net0/v_4")).Stderr);
        Assert.Equal("lo0/v4:127.0.0.1/8\nnet0/v4:10.0.0.5/24\nlo0/v6:\\:\\:1/128\n", (await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Ipadm, "show-addr", "-p", "-o", "addrobj,addr")).Stdout);
    }

    [Fact]
    public async Task Zlogin_ZoneNotRunning_IsRefused()
    {
        var host = SimulatedIllumosHost.Create(IllumosVariant.SmartOs);
        host.AddZone("db1", state: "installed");

        var result = await Run(host, IllumosTools.Zlogin, "db1", IllumosTools.Ipadm, "show-if", "-p", "-o", "ifname");

        Assert.Equal("zlogin: login allowed only to running zones (db1 is 'installed').\n", result.Stderr);
    }

    [Fact]
    public async Task Route_AddAndDelete_PrintLikeRoute()
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);
        await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-p", "zone=web1", "net0");
        await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Ipadm, "create-addr", "-t", "-T", "static", "-a", "10.0.0.5/24", "net0/v4");

        Assert.Equal("add net default: gateway 10.9.0.1: Network is unreachable\n", (await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Route, "add", "default", "10.9.0.1")).Stderr);
        Assert.Equal("add net default: gateway 10.0.0.1\n", (await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Route, "add", "default", "10.0.0.1")).Stdout);
        Assert.Equal("add net default: gateway 10.0.0.1: entry exists\n", (await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Route, "add", "default", "10.0.0.1")).Stderr);
        Assert.Equal("delete net default: gateway 10.0.0.2: not in table\n", (await Run(host, IllumosTools.Zlogin, "web1", IllumosTools.Route, "delete", "default", "10.0.0.2")).Stderr);
    }

    [Fact]
    public async Task ZoneHalt_DeletesTransientVnicsAndReturnsTheOthers()
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);
        await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "-p", "zone=web1", "net0");
        await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "net1");
        await Run(host, IllumosTools.Dladm, "set-linkprop", "-t", "-p", "zone=web1", "net1");

        host.SetZoneState("web1", "installed");

        Assert.Equal("net1:--\n", (await Run(host, IllumosTools.Dladm, "show-vnic", "-p", "-o", "link,zone")).Stdout);
    }

    [Fact]
    public async Task FailNthMutation_FailsThatOneOnlyAndChangesNothing()
    {
        var host = await HostWithStub(IllumosVariant.SmartOs);
        host.FailNthMutation(2);

        Assert.True((await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "a0")).Succeeded);
        Assert.Equal("dladm: create operation failed: try again later\n", (await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "b0")).Stderr);
        Assert.True((await Run(host, IllumosTools.Dladm, "show-vnic", "-p", "-o", "link")).Succeeded); // reads do not count
        Assert.True((await Run(host, IllumosTools.Dladm, "create-vnic", "-t", "-l", "stub0", "c0")).Succeeded);
        Assert.DoesNotContain("/b0 ", host.Snapshot(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownTool_IsBackendUnavailable()
    {
        var host = SimulatedIllumosHost.Create(IllumosVariant.SmartOs);

        await Assert.ThrowsAsync<BackendUnavailableException>(() => Run(host, "/usr/sbin/ip", "link"));
    }
}
