using NetVirt.Backends.Illumos;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Model.Collections;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Tests.Backends.Illumos;

/// <summary>Describe: plan step → argv, per kind, action and variant.</summary>
public sealed class IllumosBackendDescribeTests
{
    private static IllumosBackend Backend(IllumosVariant variant) => new(new SimulatedIllumosHost(variant), new IllumosBackendOptions { Variant = variant });

    private static PlanStep Step(StepAction action, HostResource resource, params PropertyChange[] changes) => new()
    {
        Index = 1,
        Action = action,
        Change = action == StepAction.Update ? ChangeKind.Change : action == StepAction.Create ? ChangeKind.Create : ChangeKind.Delete,
        Resource = resource,
        Changes = changes.ToEquatableArray(),
        Reason = "test",
    };

    private static HostResource ZoneVnic(string name) => new()
    {
        Kind = IllumosKinds.Vnic,
        Name = name,
        Zone = "web1",
        Properties = PropertyBag.Of(("over", "nv_stub0"), ("vlan", "100"), ("mac", "02:08:20:aa:00:01"), ("mtu", "1500"), ("maxbw", "200M"),
            ("priority", "high"), ("protection", "mac-nospoof,ip-nospoof"), ("allowed-ips", "10.0.0.5/32"), ("dynamic-methods", "")),
    };

    private static string Describe(IllumosVariant variant, PlanStep step) => string.Join("\n", Backend(variant).Describe(step).Select(c => c.ToString()));

    [Fact]
    public void Describe_CreateZoneVnicSmartOs_HandsItToTheZoneAtCreation()
    {
        Assert.Equal(
            "/usr/sbin/dladm create-vnic -t -l nv_stub0 -m 2:8:20:aa:0:1 -v 100 -p mtu=1500,maxbw=200M,protection=mac-nospoof,ip-nospoof,allowed-ips=10.0.0.5/32,zone=web1 nv_net0",
            Describe(IllumosVariant.SmartOs, Step(StepAction.Create, ZoneVnic("web1/nv_net0"))));
    }

    [Fact]
    public void Describe_UpdateZoneVnic_SetsAndResetsOnlyWhatChanges()
    {
        var step = Step(StepAction.Update, ZoneVnic("web1/nv_net0"), new PropertyChange("maxbw", "100M", ""), new PropertyChange("priority", "high", "low"));

        Assert.Equal(
            "/usr/sbin/dladm set-linkprop -t -z web1 -p priority=low nv_net0\n/usr/sbin/dladm reset-linkprop -t -z web1 -p maxbw nv_net0",
            Describe(IllumosVariant.SmartOs, step));
        Assert.Equal(
            "/usr/sbin/dladm set-linkprop -t -p priority=low nv_web1_net0\n/usr/sbin/dladm reset-linkprop -t -p maxbw nv_web1_net0",
            Describe(IllumosVariant.Illumos, step with { Resource = ZoneVnic("web1/nv_web1_net0") }));
    }

    [Fact]
    public void Describe_UpdateUndo_RestoresThePreviousValues()
    {
        var step = Step(StepAction.Update, ZoneVnic("web1/nv_net0"), new PropertyChange("maxbw", "100M", "200M"));

        Assert.Equal("/usr/sbin/dladm set-linkprop -t -z web1 -p maxbw=100M nv_net0", Describe(IllumosVariant.SmartOs, step.Compensation()!));
    }

    [Fact]
    public void Describe_DeleteZoneVnic_PerVariant()
    {
        Assert.Equal("/usr/sbin/dladm delete-vnic -t -z web1 nv_net0", Describe(IllumosVariant.SmartOs, Step(StepAction.Delete, ZoneVnic("web1/nv_net0"))));
        Assert.Equal("/usr/sbin/dladm delete-vnic -t nv_web1_net0", Describe(IllumosVariant.Illumos, Step(StepAction.Delete, ZoneVnic("web1/nv_web1_net0"))));
    }

    [Fact]
    public void Describe_GatewayLeg_NoZoneNoMac()
    {
        var leg = new HostResource
        {
            Kind = IllumosKinds.Vnic,
            Name = "global/nv_gw_stub0_100",
            Properties = PropertyBag.Of(("over", "nv_stub0"), ("vlan", "100"), ("mtu", "1500")),
        };

        Assert.Equal("/usr/sbin/dladm create-vnic -t -l nv_stub0 -v 100 -p mtu=1500 nv_gw_stub0_100", Describe(IllumosVariant.SmartOs, Step(StepAction.Create, leg)));
        Assert.Equal("/usr/sbin/dladm delete-vnic -t nv_gw_stub0_100", Describe(IllumosVariant.SmartOs, Step(StepAction.Delete, leg)));
    }

    [Fact]
    public void Describe_Etherstub_CreateSetsAnMtuOtherThan9000()
    {
        var stub = new HostResource { Kind = IllumosKinds.Etherstub, Name = "nv_mgmt0", Properties = PropertyBag.Of(("mtu", "1500")) };

        Assert.Equal("/usr/sbin/dladm create-etherstub -t nv_mgmt0\n/usr/sbin/dladm set-linkprop -t -p mtu=1500 nv_mgmt0", Describe(IllumosVariant.SmartOs, Step(StepAction.Create, stub)));
        Assert.Equal("/usr/sbin/dladm create-etherstub -t nv_stub0",
            Describe(IllumosVariant.SmartOs, Step(StepAction.Create, stub with { Name = "nv_stub0", Properties = PropertyBag.Of(("mtu", "9000")) })));
        Assert.Equal("/usr/sbin/dladm set-linkprop -t -p mtu=9000 nv_mgmt0", Describe(IllumosVariant.SmartOs, Step(StepAction.Update, stub, new PropertyChange("mtu", "1500", "9000"))));
        Assert.Equal("/usr/sbin/dladm delete-etherstub -t nv_mgmt0", Describe(IllumosVariant.SmartOs, Step(StepAction.Delete, stub)));
    }

    [Fact]
    public void Describe_IpObjects_InZoneThroughZlogin()
    {
        var ipIf = new HostResource { Kind = IllumosKinds.IpInterface, Name = "web1/nv_net0", Zone = "web1" };
        var v4 = new HostResource { Kind = IllumosKinds.AddrObj, Name = "web1/nv_net0/v4", Zone = "web1", Properties = PropertyBag.Of(("type", "static"), ("addr", "10.0.0.5/24")) };
        var ll = new HostResource { Kind = IllumosKinds.AddrObj, Name = "web1/nv_net0/ll", Zone = "web1", Properties = PropertyBag.Of(("type", "addrconf")) };
        var route = new HostResource { Kind = IllumosKinds.Route, Name = "web1/::/0", Zone = "web1", Properties = PropertyBag.Of(("gateway", "fd00::1")) };

        Assert.Equal("/usr/sbin/zlogin web1 /usr/sbin/ipadm create-if -t nv_net0", Describe(IllumosVariant.Illumos, Step(StepAction.Create, ipIf)));
        Assert.Equal("/usr/sbin/zlogin web1 /usr/sbin/ipadm delete-if nv_net0", Describe(IllumosVariant.Illumos, Step(StepAction.Delete, ipIf)));
        Assert.Equal("/usr/sbin/zlogin web1 /usr/sbin/ipadm create-addr -t -T static -a 10.0.0.5/24 nv_net0/v4", Describe(IllumosVariant.Illumos, Step(StepAction.Create, v4)));
        Assert.Equal("/usr/sbin/zlogin web1 /usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_net0/ll", Describe(IllumosVariant.Illumos, Step(StepAction.Create, ll)));
        Assert.Equal("/usr/sbin/zlogin web1 /usr/sbin/ipadm delete-addr nv_net0/v4", Describe(IllumosVariant.Illumos, Step(StepAction.Delete, v4)));
        Assert.Equal("/usr/sbin/zlogin web1 /usr/sbin/route add -inet6 default fd00::1", Describe(IllumosVariant.Illumos, Step(StepAction.Create, route)));
        Assert.Equal("/usr/sbin/zlogin web1 /usr/sbin/route delete -inet6 default fd00::1", Describe(IllumosVariant.Illumos, Step(StepAction.Delete, route)));
    }

    [Fact]
    public void Describe_ForeignKind_IsAPlannerBug()
    {
        var zone = new HostResource { Kind = IllumosKinds.Zone, Name = "web1", Owned = false };

        Assert.Throws<InvalidOperationException>(() => Backend(IllumosVariant.SmartOs).Describe(Step(StepAction.Create, zone)));
    }
}
