using NetVirt.Backends.Commands;
using NetVirt.Backends.Execution;
using NetVirt.Backends.Illumos;
using NetVirt.Backends.Illumos.Resources;
using NetVirt.Planning.Journal;
using NetVirt.Planning.Plans;
using NetVirt.Planning.Resources;

namespace NetVirt.Tests.Backends.Illumos;

/// <summary>Execute is idempotent: "already exists" and "not found" are checked, not trusted.</summary>
public sealed class IllumosExecutorTests
{
    private static (SimulatedIllumosHost Host, IllumosBackend Backend) New(IllumosVariant variant = IllumosVariant.SmartOs)
    {
        var host = SimulatedIllumosHost.Create(variant);
        host.AddZone("web1");
        return (host, new IllumosBackend(host, new IllumosBackendOptions { Variant = variant }));
    }

    private static PlanStep Create(HostResource resource) =>
        new() { Index = 1, Action = StepAction.Create, Change = ChangeKind.Create, Resource = resource, Reason = $"{resource}: not on the host" };

    private static PlanStep Delete(HostResource resource) =>
        new() { Index = 1, Action = StepAction.Delete, Change = ChangeKind.Delete, Resource = resource, Reason = $"{resource}: not in the desired state" };

    private static HostResource Stub(string name = "nv_stub0") => new() { Kind = IllumosKinds.Etherstub, Name = name, Properties = PropertyBag.Of(("mtu", "9000")) };

    private static HostResource Vnic(string mac = "02:08:20:aa:00:01", string maxbw = "200M") => new()
    {
        Kind = IllumosKinds.Vnic,
        Name = "web1/nv_net0",
        Zone = "web1",
        Properties = PropertyBag.Of(("over", "nv_stub0"), ("vlan", "100"), ("mac", mac), ("mtu", "1500"), ("maxbw", maxbw), ("priority", "high"),
            ("protection", "mac-nospoof,ip-nospoof"), ("allowed-ips", "10.0.0.5/32"), ("dynamic-methods", "")),
    };

    private static async Task<StepExecution> Execute(IllumosBackend backend, PlanStep step) => Assert.Single(await backend.ExecuteAsync([step], CancellationToken.None));

    [Fact]
    public async Task Execute_CreateVnicAlreadyThereAndIdentical_SucceedsAsNoOpWithoutChanges()
    {
        var (host, backend) = New();
        await Execute(backend, Create(Stub()));
        Assert.False((await Execute(backend, Create(Vnic()))).NoOp);
        var mutations = host.Mutations;

        var again = await Execute(backend, Create(Vnic()));

        Assert.Equal(StepOutcome.Succeeded, again.Outcome);
        Assert.True(again.NoOp);
        Assert.Equal(mutations + 1, host.Mutations); // only the refused create-vnic
        Assert.Equal(["create-vnic", "show-vnic", "show-linkprop"], again.Commands.Select(c => c.Argv[1]));
    }

    [Fact]
    public async Task Execute_CreateVnicAlreadyThereWithOtherProperties_CorrectsThem()
    {
        var (host, backend) = New();
        await Execute(backend, Create(Stub()));
        await Execute(backend, Create(Vnic(maxbw: "100M")));

        var result = await Execute(backend, Create(Vnic(maxbw: "200M")));

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        Assert.True(result.NoOp);
        Assert.Equal("/usr/sbin/dladm set-linkprop -t -z web1 -p maxbw=200M nv_net0", result.Commands[^1].ToString());
        Assert.Contains("maxbw=200000000", host.Snapshot(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_CreateVnicNameTakenByAnotherMac_Fails()
    {
        var (_, backend) = New();
        await Execute(backend, Create(Stub()));
        await Execute(backend, Create(Vnic(mac: "02:08:20:aa:00:09")));

        var result = await Execute(backend, Create(Vnic()));

        Assert.Equal(StepOutcome.Failed, result.Outcome);
        Assert.Equal("create vnic web1/nv_net0: 'nv_net0' already exists over nv_stub0 VLAN 100 MAC 02:08:20:aa:00:09, not over nv_stub0 VLAN 100 MAC 02:08:20:aa:00:01", result.Error);
    }

    [Fact]
    public async Task Execute_DeleteVnicAlreadyGone_SucceedsAsNoOp()
    {
        var (_, backend) = New();

        var result = await Execute(backend, Delete(Vnic()));

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        Assert.True(result.NoOp);
        Assert.Equal(["delete-vnic", "show-vnic"], result.Commands.Select(c => c.Argv[1]));
        Assert.Equal(1, result.Commands[0].ExitCode);
    }

    [Fact]
    public async Task Execute_CreateEtherstubWhereAVnicHasTheName_Fails()
    {
        var (host, backend) = New();
        await host.RunAsync(CommandSpec.Of(IllumosTools.Dladm, "create-vnic", "-t", "-l", "e1000g0", "nv_odd0"), CancellationToken.None);

        var result = await Execute(backend, Create(Stub("nv_odd0")));

        Assert.Equal(StepOutcome.Failed, result.Outcome);
        Assert.Equal("create etherstub nv_odd0: 'nv_odd0' already exists as a vnic, not an etherstub", result.Error);
    }

    [Fact]
    public async Task Execute_CreateAddrObjAlreadyThereWithAnotherAddress_Fails()
    {
        var (host, backend) = New();
        await Execute(backend, Create(Stub()));
        await Execute(backend, Create(Vnic()));
        await host.RunAsync(CommandSpec.Of(IllumosTools.Zlogin, "web1", IllumosTools.Ipadm, "create-addr", "-t", "-T", "static", "-a", "10.0.0.9/24", "nv_net0/v4"), CancellationToken.None);
        var addrObj = new HostResource { Kind = IllumosKinds.AddrObj, Name = "web1/nv_net0/v4", Zone = "web1", Properties = PropertyBag.Of(("type", "static"), ("addr", "10.0.0.5/24")) };

        var result = await Execute(backend, Create(addrObj));

        Assert.Equal(StepOutcome.Failed, result.Outcome);
        Assert.Equal("create addrobj web1/nv_net0/v4: nv_net0/v4 already exists as static 10.0.0.9/24, not static 10.0.0.5/24", result.Error);
        Assert.True((await Execute(backend, Create(addrObj with { Properties = PropertyBag.Of(("type", "static"), ("addr", "10.0.0.9/24")) }))).NoOp);
    }

    [Fact]
    public async Task Execute_CommandFails_ErrorNamesStepStderrAndArgv()
    {
        var (host, backend) = New();
        host.FailNthMutation(1, "dladm: etherstub creation failed: permission denied\n");

        var result = await Execute(backend, Create(Stub()));

        Assert.Equal("create etherstub nv_stub0 failed (exit 1): dladm: etherstub creation failed: permission denied [/usr/sbin/dladm create-etherstub -t nv_stub0]", result.Error);
        Assert.Equal("dladm: etherstub creation failed: permission denied\n", Assert.Single(result.Commands).Stderr);
    }

    [Fact]
    public async Task Execute_Batch_ReturnsOneExecutionPerStepInOrder()
    {
        var (_, backend) = New();

        var results = await backend.ExecuteAsync([Create(Stub("nv_a0")), Create(Stub("nv_b0")) with { Index = 2 }], CancellationToken.None);

        Assert.Equal([1, 2], results.Select(r => r.Step.Index));
        Assert.All(results, r => Assert.Equal(StepOutcome.Succeeded, r.Outcome));
    }
}
