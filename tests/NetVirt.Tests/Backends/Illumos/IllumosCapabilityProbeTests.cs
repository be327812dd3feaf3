using NetVirt.Backends.Commands;
using NetVirt.Backends.Illumos;
using NetVirt.Model.Errors;

namespace NetVirt.Tests.Backends.Illumos;

public sealed class IllumosCapabilityProbeTests
{
    [Theory]
    [InlineData(IllumosVariant.SmartOs)]
    [InlineData(IllumosVariant.Illumos)]
    public async Task ProbeAsync_SimulatedHost_FindsItsVariant(IllumosVariant variant)
    {
        var host = new SimulatedIllumosHost(variant);

        Assert.Equal(variant, await IllumosCapabilityProbe.ProbeAsync(host));
        Assert.Equal("/usr/sbin/dladm help", Assert.Single(host.Commands).ToString());
    }

    [Fact]
    public async Task CreateAsync_SimulatedSmartOs_BuildsASmartOsBackend()
    {
        var backend = await IllumosBackend.CreateAsync(new SimulatedIllumosHost(IllumosVariant.SmartOs), "nvt1a2");

        Assert.Equal(IllumosVariant.SmartOs, backend.Variant);
        Assert.Equal("nvt1a2_", backend.Naming.OwnerMark);
    }

    [Fact]
    public async Task ProbeAsync_NotIllumos_IsBackendUnavailable()
    {
        var linux = new CannedRunner(new CommandResult(CommandSpec.Of("/usr/sbin/dladm", "help"), 127, "", "sh: dladm: not found", TimeSpan.Zero));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => IllumosCapabilityProbe.ProbeAsync(linux));
        Assert.Contains("does not look like an illumos", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_UsageOnStdoutWithExitZero_IsReadToo()
    {
        var text = Fixture.Read("dladm-help-smartos.txt");
        var runner = new CannedRunner(new CommandResult(CommandSpec.Of("/usr/sbin/dladm", "help"), 0, text, "", TimeSpan.Zero));

        Assert.Equal(IllumosVariant.SmartOs, await IllumosCapabilityProbe.ProbeAsync(runner));
    }

    private sealed class CannedRunner(CommandResult result) : ICommandRunner
    {
        public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken) => Task.FromResult(result with { Command = command });
    }
}
